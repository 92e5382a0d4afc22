//! `GET /v1/changes`: every create, update, publication and deletion of the committees, meetings,
//! items, participants, attachments and published versions the caller may see, in commit order, from
//! a cursor the caller keeps. Webhooks deliver the same entries (see `webhooks`).

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Authenticated;
use super::State;
use super::extract::QueryParams;
use super::pagination;
use super::policy::{Access, Routes};
use crate::domain::events::{Event, comma_separated};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::service::changes as feed;
use crate::views::change::ChangePage;

pub fn routes(cfg: &mut Routes) {
    cfg.add(list, Access::SignedIn);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeQuery {
    /// `next_cursor` of the previous page; from the beginning without it.
    #[param(pattern = r"^id\.[0-9]{1,18}$", max_length = 21)]
    pub cursor: Option<String>,
    /// The same as `cursor`, its earlier name, still read (send one of the two).
    #[param(ignore)]
    pub since: Option<String>,
    /// Only these events, comma-separated (e.g. `agenda.published,minutes.published`).
    #[serde(default, deserialize_with = "comma_separated")]
    #[param(style = Form, explode = false, max_items = 19)]
    pub events: Option<Vec<Event>>,
    /// Only this committee's changes.
    pub committee_id: Option<i64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Malformed("A query parameter is invalid.".into(), vec![FieldError::new(field, message)])
}

/// What changed since a cursor, in commit order, as the caller may see it. A client keeps a copy by
/// applying each entry: `data` replaces its copy of the resource, `null` removes it (with a meeting,
/// its items, participants and attachments). A closed item's change reaches a non-member only when
/// what it sees of the item (number, title) changed, and then as that alone.
#[utoipa::path(
    tag = "changes", operation_id = "listChanges",
    params(ChangeQuery),
    responses(
        (status = OK, description = "A page of the feed.", body = ChangePage),
        (status = UNPROCESSABLE_ENTITY, description = "`events` names an event there is not.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
async fn list(
    state: State,
    principal: Authenticated,
    query: QueryParams<ChangeQuery>,
) -> ApiResult<web::Json<ChangePage>> {
    let query = query.0;
    let limit = pagination::limit(query.limit)?;
    let (name, cursor) = match (query.cursor, query.since) {
        (Some(_), Some(_)) => return Err(invalid("since", "send `cursor` or `since`, not both")),
        (Some(cursor), None) => ("cursor", Some(cursor)),
        (None, since) => ("since", since),
    };
    let after = match cursor.as_deref() {
        Some(cursor) => {
            pagination::after_id(Some(cursor)).map_err(|_| invalid(name, "is not a cursor of this feed"))?
        }
        None => None,
    }
    .unwrap_or(0);
    let events = query.events.unwrap_or_default();
    let committee_id = query.committee_id;
    let state_ref = state.clone();
    let page = state
        .read(principal, move |conn, principal| {
            let mut filter = feed::filter_for(principal, after, i64::from(limit), events);
            filter.committee_id = committee_id;
            feed::page(conn, principal, &state_ref.auditor, filter)
        })
        .await?;
    Ok(web::Json(page))
}
