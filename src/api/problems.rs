//! `GET /problems/{slug}`: what a problem type means, for people and programs following a problem's
//! `type` (a relative URI: `/problems/not-found`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::negotiate;
use super::policy::{Access, Routes};
use crate::error::{ApiError, ApiResult, PROBLEM_TYPES, ProblemType};

pub fn routes(cfg: &mut Routes) {
    cfg.add(describe, Access::Anyone);
}

/// A kind of problem the service answers with.
#[derive(Debug, Serialize, ToSchema)]
#[schema(examples(json!({
    "type": "precondition-failed",
    "title": "The resource has changed",
    "description": "The ETag in If-Match is not the current one: someone else changed the resource. Read it again, re-apply the change and retry. Nothing was changed."
})))]
pub struct ProblemTypeView {
    /// The last segment of the problem's `type`.
    #[schema(max_length = 40, pattern = "^[a-z-]{1,40}$")]
    pub r#type: &'static str,
    #[schema(max_length = 200)]
    pub title: &'static str,
    /// What it means and what a client should do.
    #[schema(max_length = 1000)]
    pub description: &'static str,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProblemPath {
    /// The problem type's last segment, e.g. `not-found`.
    #[param(max_length = 40, pattern = "^[a-z-]{1,40}$")]
    pub slug: String,
}

/// Describe a problem type.
///
/// As plain text (for a person following the link), or as JSON when `Accept` prefers it.
#[utoipa::path(
    tag = "operations", operation_id = "getProblemType",
    params(ProblemPath),
    responses(
        (status = OK, description = "What the problem type means.",
            content((ProblemTypeView = "application/json"), (String = "text/plain"))),
    )
)]
#[get("/{slug}")]
async fn describe(req: HttpRequest, path: web::Path<ProblemPath>) -> ApiResult<HttpResponse> {
    let kind: &ProblemType = ProblemType::find(&path.slug).ok_or(ApiError::NotFound)?;
    if negotiate(&req, &["text/plain", "application/json"])? == "application/json" {
        return Ok(HttpResponse::Ok().json(ProblemTypeView {
            r#type: kind.slug,
            title: kind.title,
            description: kind.description,
        }));
    }
    let others: String = PROBLEM_TYPES.iter().map(|k| format!("\n  /problems/{}", k.slug)).collect();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(format!("{}\n\n{}\n\nAll problem types:{others}\n", kind.title, kind.description)))
}
