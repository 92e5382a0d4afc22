//! `GET /v1/cases/{case_number}`: one case (sag) as it passes through committees and meetings, e.g.
//! Direktionen, then Økonomiudvalget, then Byrådet.
//!
//! Only items the caller may read in full are listed: that a closed item belongs to a case is part of
//! its closed content, so for a caller below member it is left out, not shown as a title.

use actix_web::{get, web};

use super::Authenticated;
use super::State;
use super::policy::{Access, Routes};
use crate::domain::agenda::is_case_reference;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::cases;
use crate::views::case::CaseView;

pub fn routes(cfg: &mut Routes) {
    cfg.add(read, Access::SignedIn);
}

/// The items of one case across the committees whose meetings the caller may read, in meeting
/// order. An unknown case and a case the caller may not see answer alike: with no items.
#[utoipa::path(
    tag = "items", operation_id = "getCase",
    params(("case_number" = String, Path, description = "Sagsnr., e.g. `22-003462` or `326-2021-15058`",
        pattern = r"^[0-9A-Za-z](?:[0-9A-Za-z./-]{0,62}[0-9A-Za-z])?$", max_length = 64)),
    responses((status = OK, description = "The case's items across committees and meetings, as far as the caller may read them.", body = CaseView))
)]
#[get("/cases/{case_number}")]
async fn read(
    state: State,
    principal: Authenticated,
    case_number: web::Path<String>,
) -> ApiResult<web::Json<CaseView>> {
    let case_number = case_number.into_inner();
    if !is_case_reference(&case_number) {
        let field = FieldError::new("case_number", "must be letters, digits, '-', '/' and '.', at most 64");
        return Err(ApiError::Malformed("The path is invalid.".into(), vec![field]));
    }
    let auditor = state.auditor.clone();
    let items =
        state.read(principal, move |conn, principal| cases::items(conn, principal, &auditor, &case_number)).await?;
    Ok(web::Json(CaseView { items }))
}
