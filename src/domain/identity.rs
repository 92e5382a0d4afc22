//! Who a verified token names, as plain data: `auth` makes it of a token, `service::identity::resolve`
//! makes a [`super::access::Principal`] of it with what the database knows.

use super::ServiceRole;

/// The caller a token names, before the database has had its say.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The token's `sub`: a user's id, or a service client's `client_id`.
    pub subject: String,
    /// Set for the service's own client-credentials tokens.
    pub client: bool,
    pub name: Option<String>,
    pub email: Option<String>,
    /// External ids of the access groups the token says the caller belongs to (users only).
    pub groups: Vec<String>,
    /// Service roles the token carries (users only; a client's come from its registration).
    pub roles: Vec<ServiceRole>,
    /// For a client's token: the generation of the client's secret it was issued under (see
    /// [`secret_generation`]); a token of an earlier secret is refused.
    pub secret_generation: Option<i64>,
}

/// The generation of a client's secret: when it was last set, in microseconds. A client token
/// carries the generation it was issued under, so that rotating the secret ends the tokens the
/// old one got at once.
pub fn secret_generation(rotated_at: chrono::NaiveDateTime) -> i64 {
    rotated_at.and_utc().timestamp_micros()
}
