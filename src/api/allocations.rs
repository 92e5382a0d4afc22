//! `/v1/allocations`: common costs split across the units that pay them, with the shares computed in
//! øre and stored with the allocation, and the yearly report of what each unit pays.
//!
//! Finance creates and changes allocations. Who sees one is decided by
//! `domain::access::can_see_allocation`: finance, members of a paying unit, readers of the linked
//! item; an allocation linked to a closed item is closed content, seen only by those who see the
//! item in full (finance too may only link an item it sees in full).

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::Authenticated;
use super::extract::{IfMatch, JsonBody, MergePatch, QueryParams, Timestamp, merged, negotiate, not_null, present};
use super::extract::{line, text};
use super::pagination::{self, Page};
use super::policy::{Access, Routes};
use super::{State, created, current, removed};
use crate::db::allocations::{AllocationFields, Filter};
use crate::db::item_amounts::ItemAmount;
use crate::domain::access::Principal;
use crate::domain::allocation::{AllocationStatus, Currency, MAX_TOTAL_ORE, MAX_WEIGHT, Method, Recurrence};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::render::report::{self as csv_report, CsvVariant, ReportRow};
use crate::service::allocations::{self, Draft, PayerTerms};
use crate::views::allocation::{AllocationReport, AllocationView};

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

impl From<PayerInput> for PayerTerms {
    fn from(p: PayerInput) -> Self {
        PayerTerms { group_id: p.group_id, weight: p.weight, amount_ore: p.amount_ore }
    }
}

impl From<AllocationInput> for Draft {
    fn from(input: AllocationInput) -> Self {
        let fields = AllocationFields {
            title: input.title,
            description: input.description,
            total_ore: input.total_ore,
            currency: input.currency,
            kind: input.kind,
            first_year: input.first_year,
            last_year: input.last_year,
            price_year: input.price_year,
            item_id: input.item_id,
            item_amount_id: None,
            status: input.status,
            method: input.method,
            counted_at: None,
        };
        Draft { fields, payers: input.payers.into_iter().map(PayerTerms::from).collect() }
    }
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
#[derive(Clone, Debug, Deserialize, ToSchema, Validate)]
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

impl AllocationFromAmount {
    /// The whole allocation this request makes of an item's expense, checked as a new one is.
    fn draft(self, amount: &ItemAmount, item_id: i64) -> ApiResult<Draft> {
        let input = AllocationInput {
            title: self.title.unwrap_or_else(|| amount.label.clone()),
            description: self.description,
            total_ore: amount.amount_ore,
            currency: Currency::Dkk,
            kind: amount.recurrence,
            first_year: self.first_year,
            last_year: self.last_year,
            price_year: amount.price_year,
            item_id: Some(item_id),
            status: self.status,
            method: self.method,
            payers: self.payers,
        };
        input.validate()?;
        Ok(input.into())
    }
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
    let rows = state
        .read(principal, move |conn, principal| {
            allocations::list(conn, principal, &auditor, &filter, after, limit as usize)
        })
        .await?;
    Ok(web::Json(pagination::page(rows, limit, |a| pagination::id_cursor(a.id), |a| a)))
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
    let draft = Draft::from(input);
    let view = state.write(principal, move |conn, principal| allocations::create(conn, principal, &draft)).await?;
    Ok(created(format!("/v1/allocations/{}", view.id), view))
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
    let (path, request) = (path.into_inner(), body.into_inner());
    request.validate()?;
    let view = state
        .write(principal, move |conn, principal| {
            allocations::from_amount(conn, principal, path, |amount, item_id| request.clone().draft(amount, item_id))
        })
        .await?;
    Ok(created(format!("/v1/allocations/{}", view.id), view))
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
    let view = state.read(principal, move |conn, principal| allocations::read(conn, principal, &auditor, id)).await?;
    Ok(current(view))
}

impl MergePatch for AllocationPatch {
    type Fields = Draft;
    type Body = AllocationInput;

    fn apply(self, current: Draft) -> AllocationInput {
        let (current, payers) = (current.fields, current.payers);
        let current_payers = || {
            payers
                .into_iter()
                .map(|p| PayerInput { group_id: p.group_id, weight: p.weight, amount_ore: p.amount_ore })
                .collect()
        };
        AllocationInput {
            title: self.title.unwrap_or(current.title),
            description: self.description.unwrap_or(current.description),
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
    let new_payers = patch.payers.is_some();
    let view = state
        .write(principal, move |conn, principal| {
            allocations::update(conn, principal, id, &if_match, new_payers, merged(patch))
        })
        .await?;
    Ok(current(view))
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
        .write(principal, move |conn, principal| allocations::recount_users(conn, principal, id, &if_match))
        .await?;
    Ok(current(view))
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
        .write(principal, move |conn, principal| allocations::remove(conn, principal, id, &if_match))
        .await
        .map(removed)
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
            allocations::yearly_report(conn, principal, &auditor, year, group, include_proposed)
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
