//! Signing off the minutes: where it stands, an approver's signature on a version, and its
//! withdrawal.

use crate::audit::{self, Object};
use crate::db::sign_offs as stored;
use crate::db::{DbConnection, committees, participants};
use crate::domain::access::Principal;
use crate::domain::lifecycle::{Change, unsigned_approvers};
use crate::error::{ApiError, ApiResult};
use crate::service::Expected;
use crate::service::access::{self, allow, find_readable};
use crate::time;
use crate::views::meeting::Extent;
use crate::views::sign_off::{Approver, SignOffStatus, SignOffView};

/// The approvers and who has signed the current version (anyone who may read the meeting).
pub fn status(conn: &mut DbConnection, principal: &Principal, id: i64) -> ApiResult<SignOffStatus> {
    let (meeting, role) = find_readable(conn, principal, id)?;
    let extent = access::extent(conn, principal, &meeting, role)?;
    let committee = committees::find(conn, meeting.committee_id)?.ok_or(ApiError::NotFound)?;
    let signatures = stored::list_for_meeting(conn, meeting.id)?;
    let approvers: Vec<Approver> = participants::list_for_meeting(conn, meeting.id)?
        .into_iter()
        .filter(|p| p.approver)
        .map(|p| Approver {
            sign_off: signatures
                .iter()
                .find(|s| s.participant_id == p.id)
                .map(|s| SignOffView::new(s, &meeting, extent)),
            participant_id: p.id,
            name: p.name,
        })
        .collect();
    let named: Vec<(String, Option<i64>)> = approvers
        .iter()
        .map(|a| {
            let signed = signatures.iter().find(|s| s.participant_id == a.participant_id);
            (a.name.clone(), signed.map(|s| s.meeting_version))
        })
        .collect();
    let unsigned = unsigned_approvers(&named, meeting.version);
    Ok(SignOffStatus {
        meeting_version: extent.version(&meeting),
        required: committee.requires_sign_off,
        complete: !approvers.is_empty() && unsigned.is_empty(),
        approvers,
        unsigned,
    })
}

/// Signs the version the caller expects, as the caller, an approver of the meeting; signing again
/// replaces a signature on an earlier version. The signature, and its version.
pub fn sign(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<(SignOffView, i64)> {
    let (meeting, _) = find_readable(conn, principal, id)?;
    let approver = participants::list_for_meeting(conn, meeting.id)?
        .into_iter()
        .find(|p| p.approver && p.user_subject.as_deref() == Some(principal.subject.as_str()))
        .ok_or_else(|| ApiError::Forbidden("Only the meeting's approvers sign off its minutes.".into()))?;
    expected.check(meeting.version)?;
    allow(meeting.status, Change::SignOff)?;
    let signed = stored::sign(conn, &meeting, approver.id, &principal.subject, time::now())?;
    let view = SignOffView::new(&signed, &meeting, Extent::Whole);
    let object = Object::of_committee("sign_off", signed.id, meeting.committee_id, false);
    audit::created(conn, principal, &object, &view)?;
    Ok((view, signed.version))
}

/// Withdraws the caller's own sign-off.
pub fn withdraw(
    conn: &mut DbConnection,
    principal: &Principal,
    meeting_id: i64,
    id: i64,
    expected: &impl Expected,
) -> ApiResult<()> {
    let (meeting, _) = find_readable(conn, principal, meeting_id)?;
    let signed = stored::find(conn, meeting.id, id)?.ok_or(ApiError::NotFound)?;
    if signed.subject != principal.subject {
        return Err(ApiError::Forbidden("Only the approver who signed withdraws a sign-off.".into()));
    }
    expected.check(signed.version)?;
    allow(meeting.status, Change::SignOff)?;
    stored::withdraw(conn, &signed)?;
    let object = Object::of_committee("sign_off", signed.id, meeting.committee_id, false);
    audit::deleted(conn, principal, &object, &SignOffView::new(&signed, &meeting, Extent::Whole))
}
