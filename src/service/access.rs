//! The guards: each finds a resource the caller asks for and checks that the caller may see it (a
//! resource the caller may not see is "not found", as if it did not exist) or act on it.

use crate::audit::{self, Auditor};
use crate::db::committees::{self, Committee};
use crate::db::items::{self, Item, ItemPlace};
use crate::db::meetings::{self, Meeting};
use crate::db::{DbConnection, exclusions, groups};
use crate::domain::access::{
    ItemView, Principal, can_edit_meetings, can_manage_group, can_read_meetings, can_see_committee, item_role,
    item_view,
};
use crate::domain::lifecycle::{Change, may_change};
use crate::domain::{CommitteeRole, MeetingStatus};
use crate::error::{ApiError, ApiResult};
use crate::views::meeting::Extent;

/// How much of `meeting` the caller, with `role` on its committee, sees: a member excluded from any
/// of its items sees the open part, as a reader does.
pub fn extent(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting: &Meeting,
    role: Option<CommitteeRole>,
) -> ApiResult<Extent> {
    let excluded = role >= Some(CommitteeRole::Member)
        && !exclusions::excluded_items(conn, meeting.id, &principal.subject)?.is_empty();
    Ok(Extent::of(role, excluded))
}

/// Refuses a caller without the admin role.
pub fn require_admin(principal: &Principal) -> ApiResult<()> {
    if principal.is_admin() { Ok(()) } else { Err(ApiError::Forbidden("This needs the admin role.".into())) }
}

/// Whether the caller manages the group: an admin, or a member of a group managing an ancestor.
pub fn manages(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<bool> {
    if principal.is_admin() {
        return Ok(true);
    }
    if principal.managed_roots.is_empty() {
        return Ok(false);
    }
    Ok(can_manage_group(principal, &groups::ancestors_of(conn, group_id)?))
}

/// Refuses a caller that does not manage the group.
pub fn require_manager(conn: &mut DbConnection, principal: &Principal, group_id: i64) -> ApiResult<()> {
    if manages(conn, principal, group_id)? {
        Ok(())
    } else {
        Err(ApiError::Forbidden("This needs the admin role or management of the group.".into()))
    }
}

/// The committee if the caller may see it; not found otherwise, as if it did not exist.
pub fn find_visible(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<Committee> {
    let committee = committees::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = principal.role_on(committee.id, committee.kind);
    // Management is looked up only when neither a role nor the publication level decides.
    if can_see_committee(committee.publication, role, false) || manages(conn, principal, committee.owner_group_id)? {
        Ok(committee)
    } else {
        Err(ApiError::Hidden)
    }
}

/// A committee whose meetings the caller may read, with the caller's role on it; not found
/// otherwise.
pub fn readable_committee(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<(Committee, Option<CommitteeRole>)> {
    let committee = committees::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = principal.role_on(committee.id, committee.kind);
    if can_read_meetings(role) { Ok((committee, role)) } else { Err(ApiError::Hidden) }
}

/// A meeting the caller may read, with the caller's role on its committee; not found otherwise.
pub fn find_readable(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<(Meeting, Option<CommitteeRole>)> {
    let (meeting, kind) = meetings::find_with_kind(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = principal.role_on(meeting.committee_id, kind);
    if can_read_meetings(role) { Ok((meeting, role)) } else { Err(ApiError::Hidden) }
}

/// Refuses callers who may read the committee's meetings but not change them.
pub fn require_secretary(role: Option<CommitteeRole>) -> ApiResult<()> {
    if can_edit_meetings(role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("Only the committee's secretaries change its meetings.".into()))
    }
}

/// An item the caller may read, with the role the caller holds for it (its committee role, capped
/// if the caller is excluded from the item) and its committee; not found otherwise.
pub fn find_readable_item(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> ApiResult<(Item, Option<CommitteeRole>, ItemPlace)> {
    let (item, place) = items::find_with_committee(conn, id)?.ok_or(ApiError::NotFound)?;
    let role = principal.role_on(place.committee_id, place.kind);
    if !can_read_meetings(role) {
        return Err(ApiError::Hidden);
    }
    let excluded = role > Some(CommitteeRole::Reader) && exclusions::is_excluded(conn, item.id, &principal.subject)?;
    Ok((item, item_role(role, excluded), place))
}

/// The item, if the caller sees it in full (its attendance and amounts are part of its content); with `edit`, for
/// the committee's secretaries only.
pub fn item_in_full(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    edit: bool,
) -> ApiResult<(Item, Option<CommitteeRole>, ItemPlace)> {
    let (item, role, place) = find_readable_item(conn, principal, id)?;
    if edit {
        require_secretary(role)?;
    }
    if item_view(item.closed, role) == ItemView::TitleOnly {
        return Err(ApiError::Hidden);
    }
    Ok((item, role, place))
}

/// Like [`item_in_full`], for reading the item's content (its amounts, its attendance): the read of
/// a closed item's is audited as a read of the item.
pub fn read_item_in_full(
    conn: &mut DbConnection,
    principal: &Principal,
    auditor: &Auditor,
    id: i64,
) -> ApiResult<(Item, ItemPlace)> {
    let (item, _, place) = item_in_full(conn, principal, id, false)?;
    if item.closed {
        audit::closed_reads(auditor, principal, place.committee_id, &[item.id]);
    }
    Ok((item, place))
}

/// Refuses a change the meeting's state does not allow.
pub fn allow(status: MeetingStatus, change: Change) -> ApiResult<()> {
    Ok(may_change(status, change)?)
}

/// Refuses to add one more part to a parent that holds the most it may (409).
pub fn ensure_room(count: i64, max: usize, what: &str) -> ApiResult<()> {
    if crate::domain::limits::has_room(count, max) {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!("There may be at most {max} {what}; remove one first.")))
    }
}
