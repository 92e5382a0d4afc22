//! Common costs split across the units that pay them, with the shares computed in øre and stored
//! with the allocation, and the yearly report of what each unit pays.
//!
//! Finance creates and changes allocations. Who sees one is decided by
//! `domain::access::can_see_allocation`: finance, members of a paying unit, readers of the linked
//! item; an allocation linked to a closed item is closed content, seen only by those who see the
//! item in full (finance too may only link an item it sees in full).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::audit::{self, Auditor, Object};
use crate::db::allocations::{self, Allocation, AllocationFields, Filter, Payer, Scope};
use crate::db::item_amounts::ItemAmount;
use crate::db::{DbConnection, exclusions, groups, item_amounts};
use crate::domain::access::{LinkedItem, Principal, can_see_allocation, item_role};
use crate::domain::allocation::{self as rules, AllocationStatus, AmountKind, Method, SplitError};
use crate::domain::{CommitteeRole, ServiceRole, Tier};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::Expected;
use crate::service::access::item_in_full;
use crate::time;
use crate::views::allocation::{AllocationReport, AllocationView, ReportLine, UnitReport};

/// A paying unit as the allocation's method needs it: a weight for `weighted`, an amount for `fixed`.
#[derive(Clone, Debug)]
pub struct PayerTerms {
    pub group_id: i64,
    pub weight: Option<i64>,
    pub amount_ore: Option<i64>,
}

/// An allocation as finance describes it, checked as a whole already: its fields (the service sets
/// the item amount it was made from and the time users were counted) and its paying units.
#[derive(Clone, Debug)]
pub struct Draft {
    pub fields: AllocationFields,
    pub payers: Vec<PayerTerms>,
}

impl Draft {
    /// The allocation as stored, with its payers: what a change starts from.
    fn of(allocation: &Allocation, payers: &[Payer]) -> Draft {
        let payers = payers
            .iter()
            .map(|p| PayerTerms { group_id: p.group_id, weight: p.weight, amount_ore: p.amount_ore })
            .collect();
        Draft { fields: allocation.fields(), payers }
    }
}

fn group_names(conn: &mut DbConnection, payers: &[Payer]) -> ApiResult<HashMap<i64, String>> {
    let ids: Vec<i64> = payers.iter().map(|p| p.group_id).collect::<HashSet<_>>().into_iter().collect();
    Ok(groups::find_many(conn, &ids)?.into_iter().map(|g| (g.id, g.name)).collect())
}

/// The allocation with its payers, as the API shows it.
fn full_view(conn: &mut DbConnection, allocation: Allocation) -> ApiResult<AllocationView> {
    let payers = allocations::payers_of(conn, &[allocation.id])?;
    let names = group_names(conn, &payers)?;
    Ok(AllocationView::new(allocation, &payers, &names))
}

fn require_finance(principal: &Principal) -> ApiResult<()> {
    if principal.has_role(ServiceRole::Finance) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("This needs the finance role.".into()))
    }
}

/// The caller's groups with their ancestors: the units it is a member of.
fn units_of(principal: &Principal) -> HashSet<i64> {
    principal.groups_with_ancestors.iter().copied().collect()
}

/// The allocations a caller may see of those asked for, with their payers.
#[derive(Default)]
struct Seen {
    rows: Vec<Allocation>,
    payers: Vec<Payer>,
    /// The committees of the closed items some of them are linked to, by allocation.
    closed: HashMap<i64, i64>,
}

impl Seen {
    /// Records the reads of closed content among `shown`, as of every read of a closed item.
    fn audit_reads(&self, auditor: &Auditor, principal: &Principal, shown: impl IntoIterator<Item = i64>) {
        for id in shown {
            if let Some(committee) = self.closed.get(&id) {
                audit::closed_read(auditor, principal, &Object::of_committee("allocation", id, *committee, true));
            }
        }
    }
}

/// Decides, for a batch of allocations, which the caller may see.
struct Visibility {
    finance: bool,
    units: HashSet<i64>,
}

impl Visibility {
    fn of(principal: &Principal) -> Visibility {
        Visibility { finance: principal.has_role(ServiceRole::Finance), units: units_of(principal) }
    }

    /// The allocations of `rows` the caller may see, in order, with all their payers.
    fn filter(&self, conn: &mut DbConnection, principal: &Principal, rows: Vec<Allocation>) -> ApiResult<Seen> {
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let payers = allocations::payers_of(conn, &ids)?;
        let item_ids: Vec<i64> = rows.iter().filter_map(|a| a.item_id).collect();
        let mut linked = HashMap::new();
        for (item, closed, committee, kind) in allocations::linked_items(conn, &item_ids)? {
            let role = principal.role_on(committee, kind);
            let excluded = closed
                && role > Some(CommitteeRole::Reader)
                && exclusions::is_excluded(conn, item, &principal.subject)?;
            linked.insert(item, (LinkedItem { closed, role: item_role(role, excluded) }, committee));
        }
        let visible: Vec<Allocation> = rows
            .into_iter()
            .filter(|a| {
                let pays = payers.iter().any(|p| p.allocation_id == a.id && self.units.contains(&p.group_id));
                // A link to an item that is gone cannot happen (the item cannot be deleted while
                // linked); treat it as closed all the same.
                let item = a
                    .item_id
                    .map(|id| linked.get(&id).map_or(LinkedItem { closed: true, role: None }, |(linked, _)| *linked));
                can_see_allocation(self.finance, pays, item)
            })
            .collect();
        let kept: HashSet<i64> = visible.iter().map(|a| a.id).collect();
        let closed = visible
            .iter()
            .filter_map(|a| match a.item_id.and_then(|item| linked.get(&item)) {
                Some((LinkedItem { closed: true, .. }, committee)) => Some((a.id, *committee)),
                _ => None,
            })
            .collect();
        let payers = payers.into_iter().filter(|p| kept.contains(&p.allocation_id)).collect();
        Ok(Seen { rows: visible, payers, closed })
    }

    fn scope(&self, principal: &Principal) -> Option<Scope> {
        if self.finance {
            return None;
        }
        let (committees, kinds) = principal.readable_committees();
        Some(Scope { groups: self.units.iter().copied().collect(), committees, kinds })
    }
}

/// The allocation if the caller may see it (404 otherwise), with its payers.
fn find_visible(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<(Allocation, Seen)> {
    let allocation = allocations::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let visibility = Visibility::of(principal);
    let mut seen = visibility.filter(conn, principal, vec![allocation])?;
    let allocation = seen.rows.pop().ok_or(ApiError::Hidden)?;
    Ok((allocation, seen))
}

/// The item an allocation is linked to, if the caller sees it in full; a field error otherwise, the
/// same for an item that does not exist and one the caller may not see.
fn check_item(conn: &mut DbConnection, principal: &Principal, item_id: Option<i64>) -> ApiResult<()> {
    let Some(id) = item_id else { return Ok(()) };
    match item_in_full(conn, principal, id, false) {
        Ok(_) => Ok(()),
        Err(ApiError::NotFound | ApiError::Hidden) => {
            Err(ApiError::validation("item_id", "no agenda item with this id that you may read in full"))
        }
        Err(other) => Err(other),
    }
}

/// Computes the shares of an allocation, checking the payers against the method. `counted` holds the
/// active users of a previous count to reuse; without it, they are counted now.
fn compute_shares(
    conn: &mut DbConnection,
    total_ore: i64,
    method: Method,
    input: &[PayerTerms],
    counted: Option<&[Payer]>,
) -> ApiResult<Vec<Payer>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, payer) in input.iter().enumerate() {
        if !seen.insert(payer.group_id) {
            errors.push(FieldError::new(format!("payers[{i}].group_id"), "names a unit already listed"));
        }
        let (needs_weight, needs_amount) = (method == Method::Weighted, method == Method::Fixed);
        if payer.weight.is_some() != needs_weight {
            let message =
                if needs_weight { "is required by the weighted method" } else { "is only for the weighted method" };
            errors.push(FieldError::new(format!("payers[{i}].weight"), message));
        }
        if payer.amount_ore.is_some() != needs_amount {
            let message = if needs_amount { "is required by the fixed method" } else { "is only for the fixed method" };
            errors.push(FieldError::new(format!("payers[{i}].amount_ore"), message));
        }
    }
    let ids: Vec<i64> = input.iter().map(|p| p.group_id).collect();
    let tiers: HashMap<i64, Tier> = groups::find_many(conn, &ids)?.into_iter().map(|g| (g.id, g.tier)).collect();
    for (i, payer) in input.iter().enumerate() {
        match tiers.get(&payer.group_id) {
            None => errors.push(FieldError::new(format!("payers[{i}].group_id"), "no such access group")),
            Some(Tier::Political) => errors.push(FieldError::new(
                format!("payers[{i}].group_id"),
                "a paying unit is a staff function, a unit or an institution, not a political group",
            )),
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let active: HashMap<i64, i64> = match (method, counted) {
        (Method::ByActiveUsers, Some(previous)) => {
            previous.iter().filter_map(|p| p.active_users.map(|n| (p.group_id, n))).collect()
        }
        (Method::ByActiveUsers, None) => allocations::active_users(conn, &ids)?,
        _ => HashMap::new(),
    };
    let split = match method {
        Method::Equal => rules::split_equally(total_ore, &ids),
        Method::Weighted => {
            rules::split(total_ore, &input.iter().map(|p| (p.group_id, p.weight.unwrap_or(0))).collect::<Vec<_>>())
        }
        Method::Fixed => {
            rules::fixed(total_ore, &input.iter().map(|p| (p.group_id, p.amount_ore.unwrap_or(0))).collect::<Vec<_>>())
        }
        Method::ByActiveUsers => {
            rules::split(total_ore, &ids.iter().map(|g| (*g, active.get(g).copied().unwrap_or(0))).collect::<Vec<_>>())
        }
    };
    let shares = split.map_err(|error| match error {
        SplitError::NoPayers => ApiError::validation("payers", "names no paying unit"),
        SplitError::NoWeight => {
            ApiError::validation("payers", "no active users have been seen in the paying units' groups")
        }
        SplitError::FixedMismatch { sum, total } => {
            ApiError::validation("payers", format!("the amounts add up to {sum} øre, not to total_ore ({total} øre)"))
        }
    })?;
    Ok(input
        .iter()
        .zip(shares)
        .map(|(payer, (group_id, share_ore))| Payer {
            allocation_id: 0,
            group_id,
            weight: payer.weight,
            amount_ore: payer.amount_ore,
            active_users: (method == Method::ByActiveUsers).then(|| active.get(&group_id).copied().unwrap_or(0)),
            share_ore,
        })
        .collect())
}

/// The stored fields of a checked draft; `counted_at` is the time of the count behind the shares.
fn fields(draft: &Draft, item_amount_id: Option<i64>, counted_at: Option<NaiveDateTime>) -> AllocationFields {
    AllocationFields {
        item_amount_id,
        counted_at: (draft.fields.method == Method::ByActiveUsers).then_some(counted_at).flatten(),
        ..draft.fields.clone()
    }
}

/// The audit record's object: an allocation linked to a closed item is that item's committee's closed
/// content; others belong to no committee.
fn object(conn: &mut DbConnection, allocation: &Allocation) -> ApiResult<Object> {
    let linked = match allocation.item_id {
        Some(item) => allocations::linked_items(conn, &[item])?.pop(),
        None => None,
    };
    Ok(match linked {
        Some((_, closed, committee, _)) => Object::of_committee("allocation", allocation.id, committee, closed),
        None => Object::new("allocation", allocation.id),
    })
}

/// Creates an allocation from a checked input (its linked item too), in the caller's transaction.
fn store_new(
    conn: &mut DbConnection,
    principal: &Principal,
    draft: &Draft,
    item_amount_id: Option<i64>,
) -> ApiResult<AllocationView> {
    let now = time::now();
    let shares = compute_shares(conn, draft.fields.total_ore, draft.fields.method, &draft.payers, None)?;
    let allocation = allocations::create(conn, &fields(draft, item_amount_id, Some(now)), &shares, now)?;
    let view = full_view(conn, allocation.clone())?;
    let object = object(conn, &allocation)?;
    audit::created(conn, principal, &object, &view)?;
    Ok(view)
}

/// Fetches candidates in batches until `want` visible ones are found or none are left: the scope
/// narrows in SQL, the access rule decides per row.
fn visible_page(
    conn: &mut DbConnection,
    principal: &Principal,
    visibility: &Visibility,
    filter: &Filter,
    mut after: i64,
    want: usize,
) -> ApiResult<Seen> {
    let scope = visibility.scope(principal);
    let batch = want.clamp(50, 500) as i64;
    let mut all = Seen::default();
    loop {
        let candidates = allocations::candidates(conn, filter, scope.as_ref(), after, batch)?;
        let exhausted = (candidates.len() as i64) < batch;
        if let Some(last) = candidates.last() {
            after = last.id;
        }
        let seen = visibility.filter(conn, principal, candidates)?;
        all.rows.extend(seen.rows);
        all.payers.extend(seen.payers);
        all.closed.extend(seen.closed);
        if exhausted || all.rows.len() >= want {
            all.rows.truncate(want);
            return Ok(all);
        }
    }
}

/// The allocations the caller may see, in the order they were made, from after `after`: up to
/// `limit` and one more (to tell whether there is a next page). Those of the first `limit` that are
/// closed content are recorded as read.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    filter: &Filter,
    after: i64,
    limit: usize,
) -> ApiResult<Vec<AllocationView>> {
    let visibility = Visibility::of(principal);
    let seen = visible_page(conn, principal, &visibility, filter, after, limit + 1)?;
    let names = group_names(conn, &seen.payers)?;
    seen.audit_reads(auditor, principal, seen.rows.iter().take(limit).map(|a| a.id));
    Ok(seen.rows.iter().map(|a| AllocationView::new(a.clone(), &seen.payers, &names)).collect())
}

/// Creates an allocation (finance); its shares are computed at once.
pub fn create(conn: &mut DbConnection, principal: &Principal, draft: &Draft) -> ApiResult<AllocationView> {
    require_finance(principal)?;
    check_item(conn, principal, draft.fields.item_id)?;
    store_new(conn, principal, draft, None)
}

/// Creates an allocation from an expense of an item the caller sees in full (finance): `make` turns
/// the amount into the draft, the item is linked.
pub fn from_amount(
    conn: &mut DbConnection,
    principal: &Principal,
    (item_id, amount_id): (i64, i64),
    make: impl FnOnce(&ItemAmount, i64) -> ApiResult<Draft>,
) -> ApiResult<AllocationView> {
    let (item, ..) = item_in_full(conn, principal, item_id, false)?;
    let amount = item_amounts::find(conn, item.id, amount_id)?.ok_or(ApiError::NotFound)?;
    require_finance(principal)?;
    if amount.kind != AmountKind::Expense {
        return Err(ApiError::Conflict("Only an expense can be split across units.".into()));
    }
    let draft = make(&amount, item.id)?;
    store_new(conn, principal, &draft, Some(amount.id))
}

/// An allocation with its payers and shares, if the caller may see it; a read of closed content is
/// recorded.
pub fn read(conn: &mut DbConnection, principal: &Principal, auditor: &Auditor, id: i64) -> ApiResult<AllocationView> {
    let (allocation, seen) = find_visible(conn, principal, id)?;
    seen.audit_reads(auditor, principal, [allocation.id]);
    let names = group_names(conn, &seen.payers)?;
    Ok(AllocationView::new(allocation, &seen.payers, &names))
}

/// Changes an allocation (finance) and computes its shares again; the active users are counted
/// again when the method changes or `new_payers` are given.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
    new_payers: bool,
    change: impl FnOnce(Draft) -> ApiResult<Draft>,
) -> ApiResult<AllocationView> {
    let (current, seen) = find_visible(conn, principal, id)?;
    let payers = seen.payers;
    require_finance(principal)?;
    expected.check(current.version)?;
    let changed = change(Draft::of(&current, &payers))?;
    let recount = changed.fields.method != current.method || new_payers;
    if changed.fields.item_id != current.item_id {
        check_item(conn, principal, changed.fields.item_id)?;
    }
    let now = time::now();
    let counted = (!recount).then_some(payers.as_slice());
    let shares = compute_shares(conn, changed.fields.total_ore, changed.fields.method, &changed.payers, counted)?;
    let counted_at = if recount { Some(now) } else { current.counted_at.or(Some(now)) };
    let fields = fields(&changed, current.item_amount_id, counted_at);
    let old = AllocationView::new(current.clone(), &payers, &group_names(conn, &payers)?);
    let old_object = object(conn, &current)?;
    let allocation = allocations::update(conn, &current, &fields, &shares, now)?;
    let new = full_view(conn, allocation.clone())?;
    let mut object = object(conn, &allocation)?;
    object.closed |= old_object.closed;
    object.committee = object.committee.or(old_object.committee);
    audit::updated(conn, principal, &object, &old, &new)?;
    Ok(new)
}

/// Counts the active users of a `by_active_users` allocation's units again and computes its shares
/// anew (finance); other methods are refused.
pub fn recount_users(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<AllocationView> {
    let (current, seen) = find_visible(conn, principal, id)?;
    require_finance(principal)?;
    expected.check(current.version)?;
    if current.method != Method::ByActiveUsers {
        return Err(ApiError::Conflict("Only a by_active_users allocation counts users.".into()));
    }
    let terms: Vec<PayerTerms> =
        seen.payers.iter().map(|p| PayerTerms { group_id: p.group_id, weight: None, amount_ore: None }).collect();
    let now = time::now();
    let shares = compute_shares(conn, current.total_ore, current.method, &terms, None)?;
    let fields = AllocationFields { counted_at: Some(now), ..current.fields() };
    let old = AllocationView::new(current.clone(), &seen.payers, &group_names(conn, &seen.payers)?);
    let allocation = allocations::update(conn, &current, &fields, &shares, now)?;
    let new = full_view(conn, allocation.clone())?;
    let object = object(conn, &allocation)?;
    audit::updated(conn, principal, &object, &old, &new)?;
    Ok(new)
}

/// Removes an allocation (finance).
pub fn remove(conn: &mut DbConnection, principal: &Principal, id: i64, expected: &impl Expected) -> ApiResult<()> {
    let (current, seen) = find_visible(conn, principal, id)?;
    require_finance(principal)?;
    expected.check(current.version)?;
    let old = AllocationView::new(current.clone(), &seen.payers, &group_names(conn, &seen.payers)?);
    let object = object(conn, &current)?;
    allocations::delete(conn, &current)?;
    audit::deleted(conn, principal, &object, &old)
}

/// What each unit pays in `year` (of `group` only, where named), from the allocations the caller
/// may see: for finance every unit, for others the units they are members of.
pub fn yearly_report(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    year: i32,
    group: Option<i64>,
    include_proposed: bool,
) -> ApiResult<AllocationReport> {
    let visibility = Visibility::of(principal);
    if let Some(group) = group
        && !visibility.finance
        && !visibility.units.contains(&group)
    {
        return Err(ApiError::Forbidden("Only finance sees the report of units it is not a member of.".into()));
    }
    let mut status = vec![AllocationStatus::Approved, AllocationStatus::Ended];
    if include_proposed {
        status.push(AllocationStatus::Proposed);
    }
    let filter = Filter { status, item_id: None, group_id: group, year: Some(year), modified_since: None };
    let seen = visible_page(conn, principal, &visibility, &filter, 0, usize::MAX)?;
    let names = group_names(conn, &seen.payers)?;
    let (rows, payers) = (&seen.rows, &seen.payers);
    let shown = |unit: i64| group.is_none_or(|g| g == unit) && (visibility.finance || visibility.units.contains(&unit));
    let mut units: BTreeMap<(String, i64), UnitReport> = BTreeMap::new();
    for allocation in rows {
        for payer in payers.iter().filter(|p| p.allocation_id == allocation.id && shown(p.group_id)) {
            let name = names.get(&payer.group_id).cloned().unwrap_or_default();
            let unit = units.entry((name.clone(), payer.group_id)).or_insert_with(|| UnitReport {
                group_id: payer.group_id,
                group_name: name,
                total_ore: 0,
                lines: Vec::new(),
            });
            unit.total_ore += payer.share_ore;
            unit.lines.push(ReportLine::new(allocation, payer.share_ore));
        }
    }
    let units: Vec<UnitReport> = units.into_values().collect();
    let shown: HashSet<i64> = units.iter().flat_map(|u| u.lines.iter().map(|l| l.allocation_id)).collect();
    seen.audit_reads(auditor, principal, shown);
    let total_ore = units.iter().map(|u| u.total_ore).sum();
    Ok(AllocationReport { year, include_proposed, units, total_ore })
}
