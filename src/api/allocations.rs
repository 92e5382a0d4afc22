//! `/v1/allocations`: common costs split across the units that pay them, with the shares computed in
//! øre and stored with the allocation, and the yearly report of what each unit pays.
//!
//! Finance creates and changes allocations. Who sees one is decided by
//! `domain::access::can_see_allocation`: finance, members of a paying unit, readers of the linked
//! item; an allocation linked to a closed item is closed content, seen only by those who see the
//! item in full (finance too may only link an item it sees in full).

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, QueryParams, Timestamp, negotiate, not_null, present};
use super::extract::{line, text};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, etagged};
use crate::audit::{self, Auditor, Object};
use crate::db::allocations::{self, Allocation, AllocationFields, Filter, Payer, Scope};
use crate::db::{DbConnection, exclusions, groups, item_amounts};
use crate::domain::access::{LinkedItem, Principal, can_see_allocation, item_role};
use crate::domain::allocation::{
    self as rules, AllocationStatus, AmountKind, Currency, MAX_TOTAL_ORE, MAX_WEIGHT, Method, Recurrence, SplitError,
};
use crate::domain::{CommitteeRole, ServiceRole, Tier};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::render::report::{self as csv_report, CsvVariant, ReportRow};
use crate::service::access::item_in_full;
use crate::time;

pub fn routes(cfg: &mut Routes) {
    // The report before `/allocations/{id}`, which would otherwise claim it.
    cfg.add(report, Access::SignedIn)
        .add(report_csv, Access::SignedIn)
        .add(list, Access::SignedIn)
        .add(create, Access::Finance)
        .add(read, Access::AllocationViewer)
        .add(update, Access::AllocationFinance)
        .add(remove, Access::AllocationFinance)
        .add(recount_users, Access::AllocationFinance)
        .add(from_amount, Access::FinanceInFull);
}

/// A paying unit as the allocation's method needs it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PayerInput {
    /// An access group of tier `staff`, `unit` or `institution`.
    pub group_id: i64,
    /// For `weighted`: the unit's weight.
    #[validate(range(min = 1, max = MAX_WEIGHT))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub weight: Option<i64>,
    /// For `fixed`: what the unit pays, in øre.
    #[validate(range(min = 0, max = MAX_TOTAL_ORE))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub amount_ore: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayerView {
    pub group_id: i64,
    pub weight: Option<i64>,
    pub amount_ore: Option<i64>,
    /// For `by_active_users`: the active users counted in the unit's groups at `counted_at`.
    pub active_users: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub group_id: i64,
    pub group_name: String,
    /// What the unit pays, in øre: for an annual allocation, each year.
    pub share_ore: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"id": 1, "title": "MARS – mellemkommunale betalinger", "description": "Løbende driftsudgift, betalt af de berørte partnerskabsholdere.", "total_ore": 19374600, "currency": "DKK", "kind": "annual", "first_year": 2021, "last_year": null, "price_year": 2021, "item_id": 5, "item_amount_id": 1, "status": "approved", "method": "equal", "payers": [{"group_id": 3, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 4, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 5, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 6, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 7, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 8, "weight": null, "amount_ore": null, "active_users": null}, {"group_id": 9, "weight": null, "amount_ore": null, "active_users": null}], "counted_at": null, "shares": [{"group_id": 3, "group_name": "Borgerservice", "share_ore": 2767800}, {"group_id": 4, "group_name": "Voksenspecialenheden", "share_ore": 2767800}, {"group_id": 5, "group_name": "Jobcentret", "share_ore": 2767800}, {"group_id": 6, "group_name": "Sundhed og Myndighed", "share_ore": 2767800}, {"group_id": 7, "group_name": "Børn og Familie", "share_ore": 2767800}, {"group_id": 8, "group_name": "Børn, Læring og Uddannelse", "share_ore": 2767800}, {"group_id": 9, "group_name": "Økonomistaben", "share_ore": 2767800}], "version": 1, "created_at": "2021-04-26T15:00:00+02:00", "updated_at": "2021-04-26T15:00:00+02:00"})))]
pub struct AllocationView {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    /// In øre: for an annual allocation, each year.
    pub total_ore: i64,
    pub currency: Currency,
    pub kind: Recurrence,
    pub first_year: i32,
    /// The last year an annual allocation runs; open-ended without one.
    pub last_year: Option<i32>,
    /// The price level of the amounts ("2021-priser").
    pub price_year: Option<i32>,
    /// The agenda item that decided it.
    pub item_id: Option<i64>,
    /// The item's amount it was made from.
    pub item_amount_id: Option<i64>,
    pub status: AllocationStatus,
    pub method: Method,
    pub payers: Vec<PayerView>,
    /// The computed shares: they add up to `total_ore` exactly.
    pub shares: Vec<ShareView>,
    /// When the active users behind a `by_active_users` split were counted.
    pub counted_at: Option<DateTime<FixedOffset>>,
    pub version: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

fn view(allocation: Allocation, payers: &[Payer], names: &HashMap<i64, String>) -> AllocationView {
    let mine: Vec<&Payer> = payers.iter().filter(|p| p.allocation_id == allocation.id).collect();
    AllocationView {
        id: allocation.id,
        title: allocation.title,
        description: allocation.description,
        total_ore: allocation.total_ore,
        currency: allocation.currency,
        kind: allocation.kind,
        first_year: allocation.first_year,
        last_year: allocation.last_year,
        price_year: allocation.price_year,
        item_id: allocation.item_id,
        item_amount_id: allocation.item_amount_id,
        status: allocation.status,
        method: allocation.method,
        payers: mine
            .iter()
            .map(|p| PayerView {
                group_id: p.group_id,
                weight: p.weight,
                amount_ore: p.amount_ore,
                active_users: p.active_users,
            })
            .collect(),
        shares: mine
            .iter()
            .map(|p| ShareView {
                group_id: p.group_id,
                group_name: names.get(&p.group_id).cloned().unwrap_or_default(),
                share_ore: p.share_ore,
            })
            .collect(),
        counted_at: allocation.counted_at.map(time::to_api),
        version: allocation.version,
        created_at: time::to_api(allocation.created_at),
        updated_at: time::to_api(allocation.updated_at),
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
    Ok(view(allocation, &payers, &names))
}

fn years(input: &AllocationInput) -> Result<(), ValidationError> {
    match (input.kind, input.last_year) {
        (Recurrence::OneOff, Some(_)) => {
            Err(ValidationError::new("last_year").with_message("a one-off allocation has no last year".into()))
        }
        (_, Some(last)) if last < input.first_year => {
            Err(ValidationError::new("last_year").with_message("is before first_year".into()))
        }
        _ => Ok(()),
    }
}

/// Everything an allocation is made of, checked as a whole.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "years", skip_on_field_errors = true))]
#[schema(examples(json!({"title": "MARS – særligt dyre enkeltsager", "total_ore": 4843600, "kind": "annual", "first_year": 2021, "price_year": 2021, "status": "approved", "method": "equal", "payers": [{"group_id": 4}, {"group_id": 6}, {"group_id": 7}, {"group_id": 9}]})))]
pub struct AllocationInput {
    /// E.g. "MARS – mellemkommunale betalinger".
    #[validate(length(min = 1, max = 500), custom(function = line))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: String,
    #[validate(length(max = 20000), custom(function = text))]
    #[schema(max_length = 20000, extensions(("x-text" = json!("text"))))]
    pub description: Option<String>,
    /// In øre (1 kr. = 100 øre): for an annual allocation, each year.
    #[validate(range(min = 0, max = MAX_TOTAL_ORE))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub total_ore: i64,
    /// `DKK`, the default and only currency.
    #[serde(default = "dkk")]
    pub currency: Currency,
    pub kind: Recurrence,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub first_year: i32,
    /// For an annual allocation: its last year (none: until it ends).
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub last_year: Option<i32>,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub price_year: Option<i32>,
    /// The agenda item that decided it; the caller must see it in full.
    pub item_id: Option<i64>,
    /// `proposed` when absent.
    #[serde(default = "proposed")]
    pub status: AllocationStatus,
    pub method: Method,
    /// The paying units: 1–200 different groups.
    #[validate(length(min = 1, max = 200), nested)]
    #[schema(min_items = 1, max_items = 200)]
    pub payers: Vec<PayerInput>,
}

fn dkk() -> Currency {
    Currency::Dkk
}

fn proposed() -> AllocationStatus {
    AllocationStatus::Proposed
}

/// Changes to an allocation (JSON merge patch). `payers` replaces the whole list. The shares are
/// computed again; the active users are counted again when the method or the payers change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"status": "ended", "last_year": 2024})))]
pub struct AllocationPatch {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20000, extensions(("x-text" = json!("text"))))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub total_ore: Option<i64>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub currency: Option<Currency>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub kind: Option<Recurrence>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 1900, maximum = 2200)]
    pub first_year: Option<i32>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1900, maximum = 2200)]
    pub last_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1900, maximum = 2200)]
    pub price_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub item_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub status: Option<AllocationStatus>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub method: Option<Method>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, min_items = 1, max_items = 200)]
    pub payers: Option<Vec<PayerInput>>,
}

/// An allocation made from an item's expense: the total, kind, price level and title come from the
/// amount, the item is linked.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"first_year": 2021, "status": "approved", "method": "equal", "payers": [{"group_id": 3}, {"group_id": 4}, {"group_id": 5}, {"group_id": 6}, {"group_id": 7}, {"group_id": 8}, {"group_id": 9}]})))]
pub struct AllocationFromAmount {
    /// The amount's label when absent.
    #[validate(length(min = 1, max = 500), custom(function = line))]
    #[schema(min_length = 1, max_length = 500, extensions(("x-text" = json!("line"))))]
    pub title: Option<String>,
    #[validate(length(max = 20000), custom(function = text))]
    #[schema(max_length = 20000, extensions(("x-text" = json!("text"))))]
    pub description: Option<String>,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub first_year: i32,
    #[validate(range(min = 1900, max = 2200))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub last_year: Option<i32>,
    #[serde(default = "proposed")]
    pub status: AllocationStatus,
    pub method: Method,
    #[validate(length(min = 1, max = 200), nested)]
    #[schema(min_items = 1, max_items = 200)]
    pub payers: Vec<PayerInput>,
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
    input: &[PayerInput],
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

/// The stored fields of a checked input; `counted_at` is the time of the count behind the shares.
fn fields(input: &AllocationInput, item_amount_id: Option<i64>, counted_at: Option<NaiveDateTime>) -> AllocationFields {
    AllocationFields {
        title: input.title.clone(),
        description: input.description.clone(),
        total_ore: input.total_ore,
        currency: input.currency,
        kind: input.kind,
        first_year: input.first_year,
        last_year: input.last_year,
        price_year: input.price_year,
        item_id: input.item_id,
        item_amount_id,
        status: input.status,
        method: input.method,
        counted_at: (input.method == Method::ByActiveUsers).then_some(counted_at).flatten(),
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
    input: &AllocationInput,
    item_amount_id: Option<i64>,
) -> ApiResult<AllocationView> {
    let now = time::now();
    let shares = compute_shares(conn, input.total_ore, input.method, &input.payers, None)?;
    let allocation = allocations::create(conn, &fields(input, item_amount_id, Some(now)), &shares, now)?;
    let view = full_view(conn, allocation.clone())?;
    let object = object(conn, &allocation)?;
    audit::created(conn, principal, &object, &view)?;
    Ok(view)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AllocationQuery {
    pub status: Option<AllocationStatus>,
    /// Only those falling in this year.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    /// Only those this access group pays into.
    pub group_id: Option<i64>,
    /// Only those linked to this agenda item.
    pub item_id: Option<i64>,
    /// Only those created or changed (their shares too) at or after this time (RFC 3339; encode `+`
    /// as `%2B`). Deletions are not listed: the audit trail has them.
    pub modified_since: Option<Timestamp>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
}

/// A year in a query: 400 outside 1900–2200.
fn check_year(year: Option<i32>) -> ApiResult<()> {
    match year {
        Some(year) if !(1900..=2200).contains(&year) => Err(ApiError::Malformed(
            "A query parameter is invalid.".into(),
            vec![FieldError::new("year", "must be between 1900 and 2200")],
        )),
        _ => Ok(()),
    }
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

/// The allocations the caller may see, in the order they were made: for finance all of them, for
/// others those their units pay into and those of items they may read; one linked to a closed item
/// only for those who see the item in full.
#[utoipa::path(
    tag = "allocations", operation_id = "listAllocations",
    params(AllocationQuery),
    responses((status = OK, description = "A page of the allocations the caller may see.", body = Page<AllocationView>))
)]
#[get("/allocations")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<AllocationQuery>,
) -> ApiResult<web::Json<Page<AllocationView>>> {
    let query = query.0;
    check_year(query.year)?;
    let limit = pagination::limit(query.limit)?;
    let after = pagination::after_id(query.cursor.as_deref())?.unwrap_or(0);
    let filter = Filter {
        status: query.status.into_iter().collect(),
        item_id: query.item_id,
        group_id: query.group_id,
        year: query.year,
        modified_since: query.modified_since.map(Timestamp::stored),
    };
    let auditor = state.auditor.clone();
    let page = state
        .read(principal, move |conn, principal| {
            let visibility = Visibility::of(principal);
            let mut seen = visible_page(conn, principal, &visibility, &filter, after, limit as usize + 1)?;
            let names = group_names(conn, &seen.payers)?;
            let rows = std::mem::take(&mut seen.rows);
            let page =
                pagination::page(rows, limit, |a| pagination::id_cursor(a.id), |a| view(a, &seen.payers, &names));
            seen.audit_reads(&auditor, principal, page.data.iter().map(|a| a.id));
            Ok(page)
        })
        .await?;
    Ok(web::Json(page))
}

/// Create an allocation (finance). The shares are computed at once and come back with it.
#[utoipa::path(
    tag = "allocations", operation_id = "createAllocation",
    request_body = AllocationInput,
    responses(
        (status = CREATED, description = "The new allocation with its computed shares.", body = AllocationView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/allocations")]
async fn create(state: State, principal: Principal, body: JsonBody<AllocationInput>) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    input.validate()?;
    let view = state
        .write(principal, move |conn, principal| {
            require_finance(principal)?;
            check_item(conn, principal, input.item_id)?;
            store_new(conn, principal, &input, None)
        })
        .await?;
    Ok(created(format!("/v1/allocations/{}", view.id), view.version).json(view))
}

/// Create an allocation from an expense of an agenda item (finance, seeing the item in full): its
/// total, kind, price level and title come from the amount, and the item is linked.
#[utoipa::path(
    tag = "allocations", operation_id = "createAllocationFromAmount",
    params(("id" = i64, Path, description = "Item id"), ("amount_id" = i64, Path, description = "Amount id")),
    request_body = AllocationFromAmount,
    responses(
        (status = CREATED, description = "The new allocation with its computed shares.", body = AllocationView, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[post("/items/{id}/amounts/{amount_id}/allocations")]
async fn from_amount(
    state: State,
    principal: Principal,
    path: web::Path<(i64, i64)>,
    body: JsonBody<AllocationFromAmount>,
) -> ApiResult<HttpResponse> {
    let ((item_id, amount_id), request) = (path.into_inner(), body.into_inner());
    request.validate()?;
    let view = state
        .write(principal, move |conn, principal| {
            let (item, ..) = item_in_full(conn, principal, item_id, false)?;
            let amount = item_amounts::find(conn, item.id, amount_id)?.ok_or(ApiError::NotFound)?;
            require_finance(principal)?;
            if amount.kind != AmountKind::Expense {
                return Err(ApiError::Conflict("Only an expense can be split across units.".into()));
            }
            let input = AllocationInput {
                title: request.title.unwrap_or_else(|| amount.label.clone()),
                description: request.description,
                total_ore: amount.amount_ore,
                currency: Currency::Dkk,
                kind: amount.recurrence,
                first_year: request.first_year,
                last_year: request.last_year,
                price_year: amount.price_year,
                item_id: Some(item.id),
                status: request.status,
                method: request.method,
                payers: request.payers,
            };
            input.validate()?;
            store_new(conn, principal, &input, Some(amount.id))
        })
        .await?;
    Ok(created(format!("/v1/allocations/{}", view.id), view.version).json(view))
}

/// Read an allocation with its payers and shares.
#[utoipa::path(
    tag = "allocations", operation_id = "getAllocation",
    params(("id" = i64, Path, description = "Allocation id")),
    responses((status = OK, description = "The allocation with its payers and shares.", body = AllocationView, headers(("ETag" = String))))
)]
#[get("/allocations/{id}")]
async fn read(state: State, principal: Authenticated, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let auditor = state.auditor.clone();
    let view = state
        .read(principal, move |conn, principal| {
            let (allocation, seen) = find_visible(conn, principal, id)?;
            seen.audit_reads(&auditor, principal, [allocation.id]);
            let names = group_names(conn, &seen.payers)?;
            Ok(view(allocation, &seen.payers, &names))
        })
        .await?;
    Ok(etagged(StatusCode::OK, view.version, true).json(view))
}

impl AllocationPatch {
    fn apply(self, current: &Allocation, payers: &[Payer]) -> AllocationInput {
        let current_payers = || {
            payers
                .iter()
                .map(|p| PayerInput { group_id: p.group_id, weight: p.weight, amount_ore: p.amount_ore })
                .collect()
        };
        AllocationInput {
            title: self.title.unwrap_or_else(|| current.title.clone()),
            description: self.description.unwrap_or_else(|| current.description.clone()),
            total_ore: self.total_ore.unwrap_or(current.total_ore),
            currency: self.currency.unwrap_or(current.currency),
            kind: self.kind.unwrap_or(current.kind),
            first_year: self.first_year.unwrap_or(current.first_year),
            last_year: self.last_year.unwrap_or(current.last_year),
            price_year: self.price_year.unwrap_or(current.price_year),
            item_id: self.item_id.unwrap_or(current.item_id),
            status: self.status.unwrap_or(current.status),
            method: self.method.unwrap_or(current.method),
            payers: self.payers.unwrap_or_else(current_payers),
        }
    }
}

/// Change an allocation (finance). The shares are computed again in the same transaction.
#[utoipa::path(
    tag = "allocations", operation_id = "updateAllocation",
    params(
        ("id" = i64, Path, description = "Allocation id"),
        ("If-Match" = String, Header, description = "ETag of the version being changed"),
    ),
    request_body(content = AllocationPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = OK, description = "The allocation as changed, with its shares computed again.", body = AllocationView, headers(("ETag" = String))),
    )
)]
#[patch("/allocations/{id}")]
async fn update(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody<AllocationPatch>,
) -> ApiResult<HttpResponse> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let view = state
        .write(principal, move |conn, principal| {
            let (current, seen) = find_visible(conn, principal, id)?;
            let payers = seen.payers;
            require_finance(principal)?;
            if_match.check(current.version)?;
            let recount = patch.method.is_some_and(|m| m != current.method) || patch.payers.is_some();
            let changed = patch.apply(&current, &payers);
            changed.validate()?;
            if changed.item_id != current.item_id {
                check_item(conn, principal, changed.item_id)?;
            }
            let now = time::now();
            let counted = (!recount).then_some(payers.as_slice());
            let shares = compute_shares(conn, changed.total_ore, changed.method, &changed.payers, counted)?;
            let counted_at = if recount { Some(now) } else { current.counted_at.or(Some(now)) };
            let fields = fields(&changed, current.item_amount_id, counted_at);
            let old = view(current.clone(), &payers, &group_names(conn, &payers)?);
            let old_object = object(conn, &current)?;
            let allocation = allocations::update(conn, &current, &fields, &shares, now)?;
            let new = full_view(conn, allocation.clone())?;
            let mut object = object(conn, &allocation)?;
            object.closed |= old_object.closed;
            object.committee = object.committee.or(old_object.committee);
            audit::updated(conn, principal, &object, &old, &new)?;
            Ok(new)
        })
        .await?;
    Ok(etagged(StatusCode::OK, view.version, true).json(view))
}

/// Count the active users of a `by_active_users` allocation's units again and compute its shares
/// anew (finance); other methods are refused.
#[utoipa::path(
    tag = "allocations", operation_id = "recountAllocationUsers",
    params(
        ("id" = i64, Path, description = "Allocation id"),
        ("If-Match" = String, Header, description = "ETag of the allocation"),
    ),
    responses(
        (status = OK, description = "The allocation with its active users counted again and its shares computed again.", body = AllocationView, headers(("ETag" = String))),
    )
)]
#[post("/allocations/{id}/recount")]
async fn recount_users(
    state: State,
    principal: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .write(principal, move |conn, principal| {
            let (current, seen) = find_visible(conn, principal, id)?;
            require_finance(principal)?;
            if_match.check(current.version)?;
            if current.method != Method::ByActiveUsers {
                return Err(ApiError::Conflict("Only a by_active_users allocation counts users.".into()));
            }
            let input: Vec<PayerInput> = seen
                .payers
                .iter()
                .map(|p| PayerInput { group_id: p.group_id, weight: None, amount_ore: None })
                .collect();
            let now = time::now();
            let shares = compute_shares(conn, current.total_ore, current.method, &input, None)?;
            let fields = AllocationFields { counted_at: Some(now), ..current.fields() };
            let old = view(current.clone(), &seen.payers, &group_names(conn, &seen.payers)?);
            let allocation = allocations::update(conn, &current, &fields, &shares, now)?;
            let new = full_view(conn, allocation.clone())?;
            let object = object(conn, &allocation)?;
            audit::updated(conn, principal, &object, &old, &new)?;
            Ok(new)
        })
        .await?;
    Ok(etagged(StatusCode::OK, view.version, true).json(view))
}

/// Delete an allocation (finance).
#[utoipa::path(
    tag = "allocations", operation_id = "deleteAllocation",
    params(
        ("id" = i64, Path, description = "Allocation id"),
        ("If-Match" = String, Header, description = "ETag of the version being deleted"),
    ),
    responses(
        (status = NO_CONTENT, description = "Deleted."),
    )
)]
#[delete("/allocations/{id}")]
async fn remove(state: State, principal: Principal, id: web::Path<i64>, if_match: IfMatch) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .write(principal, move |conn, principal| {
            let (current, seen) = find_visible(conn, principal, id)?;
            require_finance(principal)?;
            if_match.check(current.version)?;
            let old = view(current.clone(), &seen.payers, &group_names(conn, &seen.payers)?);
            let object = object(conn, &current)?;
            allocations::delete(conn, &current)?;
            audit::deleted(conn, principal, &object, &old)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The report's formats.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Json,
    /// RFC 4180: `,` between fields, a decimal point, UTF-8.
    Csv,
    /// For a Danish Excel: `;` between fields, a decimal comma, UTF-8 with a byte-order mark, Danish
    /// column names.
    CsvExcel,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The year to report.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: i32,
    /// Only this unit (access group).
    pub group_id: Option<i64>,
    /// Count proposed allocations too (default: only approved and ended ones).
    #[serde(default)]
    pub include_proposed: bool,
    /// `json`, `csv`, or `csv_excel`. Without it, `Accept` decides between JSON (the default) and
    /// CSV (`text/csv`).
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// One allocation's share in a unit's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportLine {
    pub allocation_id: i64,
    pub title: String,
    pub kind: Recurrence,
    pub status: AllocationStatus,
    pub method: Method,
    pub price_year: Option<i32>,
    pub item_id: Option<i64>,
    pub share_ore: i64,
}

/// What one unit pays in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReport {
    pub group_id: i64,
    pub group_name: String,
    pub total_ore: i64,
    pub lines: Vec<ReportLine>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({"year": 2021, "include_proposed": false, "total_ore": 15978700, "units": [{"group_id": 9, "group_name": "Økonomistaben", "total_ore": 15978700, "lines": [{"allocation_id": 1, "title": "MARS – mellemkommunale betalinger", "kind": "annual", "status": "approved", "method": "equal", "price_year": 2021, "item_id": 5, "share_ore": 2767800}, {"allocation_id": 2, "title": "MARS – særligt dyre enkeltsager", "kind": "annual", "status": "approved", "method": "equal", "price_year": 2021, "item_id": null, "share_ore": 1210900}, {"allocation_id": 3, "title": "MARS – implementering", "kind": "one_off", "status": "approved", "method": "equal", "price_year": null, "item_id": null, "share_ore": 12000000}]}]})))]
pub struct AllocationReport {
    pub year: i32,
    pub include_proposed: bool,
    /// By unit name.
    pub units: Vec<UnitReport>,
    /// What all the units shown pay together.
    pub total_ore: i64,
}

/// What each unit pays in a year across all allocations, with the lines that make it up: for finance
/// every unit, for others the units they are members of; in both cases from the allocations the
/// caller may see (one linked to a closed item counts only for those who see the item in full).
///
/// As JSON by default; as CSV with `format`, or when `Accept` asks for `text/csv`. A generated client
/// gets the CSV file from `getAllocationReportCsv`.
#[utoipa::path(
    tag = "allocations", operation_id = "getAllocationReport",
    params(ReportQuery),
    responses(
        (status = OK, description = "The report, as JSON (øre) or CSV (kroner with two decimals).",
            content((AllocationReport = "application/json"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "For CSV: the file name."))),
        (status = FORBIDDEN, description = "The caller asked for a unit it is not a member of, without the finance role.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/allocations/report")]
async fn report(
    state: State,
    req: HttpRequest,
    principal: Authenticated,
    query: QueryParams<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let format = match query.format {
        Some(format) => format,
        None => match negotiate(&req, &["application/json", "text/csv"])? {
            "text/csv" => ReportFormat::Csv,
            _ => ReportFormat::Json,
        },
    };
    let found = yearly_report(&state, principal, query.year, query.group_id, query.include_proposed).await?;
    match format {
        ReportFormat::Json => Ok(HttpResponse::Ok().json(found)),
        ReportFormat::Csv => csv_file(&found, CsvVariant::Standard),
        ReportFormat::CsvExcel => csv_file(&found, CsvVariant::DanishExcel),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportCsvQuery {
    /// The year to report.
    #[param(minimum = 1900, maximum = 2200)]
    pub year: i32,
    /// Only this unit (access group).
    pub group_id: Option<i64>,
    /// Count proposed allocations too (default: only approved and ended ones).
    #[serde(default)]
    pub include_proposed: bool,
    /// For a Danish Excel: `;` between fields, a decimal comma, a byte-order mark and Danish column
    /// names (default: RFC 4180 with a decimal point).
    #[serde(default)]
    pub excel: bool,
}

/// The yearly report as a CSV file to open in a spreadsheet (amounts in kroner with two decimals).
#[utoipa::path(
    tag = "allocations", operation_id = "getAllocationReportCsv",
    params(ReportCsvQuery),
    responses(
        (status = OK, description = "The report as a CSV file.", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "The file name, e.g. `fordeling-2021.csv`."))),
        (status = FORBIDDEN, description = "The caller asked for a unit it is not a member of, without the finance role.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/allocations/report.csv")]
async fn report_csv(
    state: State,
    principal: Authenticated,
    query: QueryParams<ReportCsvQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let found = yearly_report(&state, principal, query.year, query.group_id, query.include_proposed).await?;
    csv_file(&found, if query.excel { CsvVariant::DanishExcel } else { CsvVariant::Standard })
}

/// What each unit pays in `year`, as the caller may see it.
async fn yearly_report(
    state: &State,
    principal: Authenticated,
    year: i32,
    group: Option<i64>,
    include_proposed: bool,
) -> ApiResult<AllocationReport> {
    check_year(Some(year))?;
    let auditor = state.auditor.clone();
    state
        .read(principal, move |conn, principal| {
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
            let shown =
                |unit: i64| group.is_none_or(|g| g == unit) && (visibility.finance || visibility.units.contains(&unit));
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
                    unit.lines.push(ReportLine {
                        allocation_id: allocation.id,
                        title: allocation.title.clone(),
                        kind: allocation.kind,
                        status: allocation.status,
                        method: allocation.method,
                        price_year: allocation.price_year,
                        item_id: allocation.item_id,
                        share_ore: payer.share_ore,
                    });
                }
            }
            let units: Vec<UnitReport> = units.into_values().collect();
            let shown: HashSet<i64> = units.iter().flat_map(|u| u.lines.iter().map(|l| l.allocation_id)).collect();
            seen.audit_reads(&auditor, principal, shown);
            let total_ore = units.iter().map(|u| u.total_ore).sum();
            Ok(AllocationReport { year, include_proposed, units, total_ore })
        })
        .await
}

fn csv_file(found: &AllocationReport, variant: CsvVariant) -> ApiResult<HttpResponse> {
    let rows: Vec<ReportRow<'_>> = found
        .units
        .iter()
        .flat_map(|unit| {
            unit.lines.iter().map(move |line| ReportRow {
                year: found.year,
                group_id: unit.group_id,
                group_name: &unit.group_name,
                allocation_id: line.allocation_id,
                title: &line.title,
                kind: line.kind,
                status: line.status,
                price_year: line.price_year,
                share_ore: line.share_ore,
            })
        })
        .collect();
    let body = csv_report::csv(&rows, variant).map_err(ApiError::internal)?;
    let filename = format!("fordeling-{}.csv", found.year);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .body(body))
}
