//! What persistence says went wrong, in its own words: the layers above map it to an answer (see
//! `From<StoreError> for ApiError` in `error.rs`), persistence knows nothing of HTTP.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row was changed since the version the caller had: nothing was written.
    #[error("the row has changed since the version given")]
    Stale,
    /// The change contradicts what is stored (a duplicate, something still linked): why, for people.
    #[error("{0}")]
    Conflict(String),
    /// A value names something that is not stored (a group, a position out of range).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The database cannot be reached, is busy past the wait, or dropped the connection.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Anything else the database said.
    #[error("database: {0}")]
    Database(DieselError),
    /// Stored data that cannot be read back, or a broken invariant.
    #[error("{0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid { field: field.into(), message: message.into() }
    }

    pub fn internal(context: impl std::fmt::Display) -> Self {
        StoreError::Internal(context.to_string())
    }
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            busy if super::is_busy(&busy) => StoreError::Unavailable(busy.to_string()),
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => StoreError::Unavailable(info.message().to_owned()),
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                StoreError::Conflict("A concurrent change conflicted with this one; retry the request.".to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}
