//! Which request the current code works for: its id, for log lines, audit records and problems.
//! The HTTP layer sets it (see `api::request_id`); the rest reads it without knowing about HTTP.

tokio::task_local! {
    static REQUEST_ID: String;
}

std::thread_local! {
    /// The id of the request whose database work a blocking thread is doing.
    static BLOCKING_ID: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `future` (on an async worker) as the request `id`.
pub async fn scope<F: std::future::Future>(id: String, future: F) -> F::Output {
    REQUEST_ID.scope(id, future).await
}

/// The id of the request being handled, if any: on the async worker handling it, or on a blocking
/// thread doing its database work (see [`in_blocking`]).
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok().or_else(|| BLOCKING_ID.with(|id| id.borrow().clone()))
}

/// Runs `f` (on a blocking thread) as part of the request `id`, for its log lines and audit records.
pub fn in_blocking<T>(id: Option<String>, f: impl FnOnce() -> T) -> T {
    BLOCKING_ID.with(|cell| *cell.borrow_mut() = id);
    let result = f();
    BLOCKING_ID.with(|cell| *cell.borrow_mut() = None);
    result
}
