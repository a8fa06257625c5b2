//! What can go wrong in the database layer, in the database's own terms: the
//! layer above (`error.rs`) decides what each means in HTTP.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::FieldError;

/// The result of database work.
pub type DbResult<T> = Result<T, DbError>;

/// A failure of the database itself, classified once.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Not reachable now (not migrated yet, no connection in time, the connection
    /// was lost, SQLite's lock wait ran out): worth retrying.
    #[error("the database is not available")]
    Unavailable,
    /// PostgreSQL cancelled the statement: `statement_timeout` or `lock_timeout`.
    #[error("a database statement timed out")]
    Timeout,
    /// A unique value is already taken (a race, or a name in use).
    #[error("unique value already taken: {0}")]
    Conflict(String),
    /// Stored data that cannot be read back: a bug or a corrupt row.
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// The work itself failed (it panicked): a bug.
    #[error("database work failed: {0}")]
    Panicked(String),
    /// Any other failure of a query: a bug.
    #[error(transparent)]
    Query(DieselError),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.constraint_name().unwrap_or_else(|| info.message()).to_owned())
            }
            // diesel derives these kinds from the SQLSTATE (class 08) or the
            // connection's state.
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::Unavailable,
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info) => match unclassified(info.message()) {
                Some(classified) => {
                    log::warn!("database: {}", info.message());
                    classified
                }
                None => Self::Query(error),
            },
            DieselError::DeserializationError(e) => Self::Corrupt(e.to_string()),
            other => Self::Query(other),
        }
    }
}

/// The failures diesel leaves as `Unknown`. diesel 2.3 classifies a PostgreSQL
/// error by its SQLSTATE only into the kinds above and keeps the code itself
/// private, so the two it leaves out that matter here, 57014 (`statement_timeout`)
/// and 55P03 (`lock_timeout`), are recognised by their primary message, and the
/// transient ones by theirs; this is the only place that reads message text.
/// (Under a translated `lc_messages` they would count as bugs: a 500, logged.)
fn unclassified(message: &str) -> Option<DbError> {
    if message.starts_with("canceling statement due to statement timeout")
        || message.starts_with("canceling statement due to lock timeout")
    {
        return Some(DbError::Timeout);
    }
    let lower = message.to_ascii_lowercase();
    let transient = [
        "database is locked",
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "could not connect",
        "connection refused",
    ];
    transient.iter().any(|m| lower.contains(m)).then_some(DbError::Unavailable)
}

impl DbError {
    /// Whether the failure may be the connection's rather than the work's, so that
    /// the pool checks the connection before lending it again.
    pub(crate) fn may_be_connection(&self) -> bool {
        matches!(self, Self::Unavailable | Self::Query(_))
    }
}

/// Why a write did not happen, for resources with versions and unique names.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// No row with that id or slug.
    #[error("not found")]
    NotFound,
    /// `If-Match` named another version than the stored one.
    #[error("stored version is {current}")]
    VersionMismatch {
        /// The version actually stored.
        current: i32,
    },
    /// The write conflicts with what is stored (a taken slug, a position past the
    /// end, a missing link target).
    #[error("{0}")]
    Conflict(String),
    /// A rule that depends on stored data is broken.
    #[error("invalid")]
    Invalid(Vec<FieldError>),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<DieselError> for WriteError {
    fn from(error: DieselError) -> Self {
        Self::Db(error.into())
    }
}

impl WriteError {
    /// Stored data that cannot be read back (a bug or a corrupt row).
    pub(crate) fn corrupt(error: impl std::fmt::Display) -> Self {
        Self::Db(DbError::Corrupt(error.to_string()))
    }

    /// The same error for a child nested under `prefix` (`/quotes/2`), so that
    /// pointers and messages say which child is wrong.
    pub(crate) fn nested(self, prefix: &str) -> Self {
        match self {
            Self::Invalid(errors) => Self::Invalid(errors.into_iter().map(|e| e.under(prefix)).collect()),
            Self::Conflict(detail) => Self::Conflict(format!("{prefix}: {detail}")),
            other => other,
        }
    }
}

/// The error a piece of database work returns (diesel's own, or one of the two
/// above) and what `Database::run` turns it into: diesel's errors are classified
/// into `DbError`, the others stay as they are.
pub trait IntoWorkError: Send + 'static {
    /// What `Database::run` returns.
    type Error: WorkError;
    /// The classified error.
    fn into_work_error(self) -> Self::Error;
}

impl IntoWorkError for DieselError {
    type Error = DbError;
    fn into_work_error(self) -> DbError {
        self.into()
    }
}

impl IntoWorkError for DbError {
    type Error = DbError;
    fn into_work_error(self) -> DbError {
        self
    }
}

impl IntoWorkError for WriteError {
    type Error = WriteError;
    fn into_work_error(self) -> WriteError {
        self
    }
}

/// The errors database work ends in: the database's own, and for writes their
/// own outcomes. `Database::run` needs to tell the first kind apart.
pub trait WorkError: From<DbError> + Send + 'static {
    /// The database failure inside, if this is one.
    fn db_error(&self) -> Option<&DbError>;
}

impl WorkError for DbError {
    fn db_error(&self) -> Option<&DbError> {
        Some(self)
    }
}

impl WorkError for WriteError {
    fn db_error(&self) -> Option<&DbError> {
        match self {
            Self::Db(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether a diesel error is a unique-constraint violation (for the few writes
/// that handle a race themselves before classifying).
pub(crate) fn is_unique_violation(error: &DieselError) -> bool {
    matches!(error, DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
}
