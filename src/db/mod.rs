//! Persistence: one diesel code base over SQLite (embedded default) and PostgreSQL (production).
//!
//! Handlers reach the database only through [`Database::read`] and [`Database::write`], which run
//! diesel on the blocking thread pool, never on the async workers. The repository modules below hold
//! all SQL, written once for both backends; what the multi-backend connection cannot express is done
//! on the concrete connection in this file (connections, locks, retries), `bulk` (batch inserts),
//! `search` (full-text search) and `audit` (the chain's lock), and nowhere else.

/// The row of `$table` that `$current` was read as: its id at its version. A change or a removal
/// aimed at it touches nothing when someone changed the row since (optimistic concurrency, the
/// `If-Match` of the API), which is [`StoreError::Stale`] (see [`removed_one`]).
macro_rules! at_version {
    ($table:ident, $current:expr) => {
        $table::table.filter($table::id.eq($current.id)).filter($table::version.eq($current.version))
    };
}

pub mod access;
pub mod allocations;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod calendar_feeds;
pub mod case_routes;
pub mod changes;
pub mod clients;
pub mod committees;
pub mod error;
pub mod exclusions;
pub mod grants;
pub mod groups;
pub mod idempotency;
pub mod item_amounts;
pub mod item_attendance;
pub mod items;
pub mod kind_grants;
pub mod meetings;
pub mod members;
pub mod participants;
pub mod published;
pub mod referrals;
pub mod roster;
pub mod schema;
pub mod search;
pub mod sign_offs;
pub mod standing_items;
mod text_enum;
pub mod users;
pub mod votes;
pub mod webhooks;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::result::{ConnectionError, Error as DieselError, QueryResult};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use error::{StoreError, StoreResult};

/// A page of a list ordered by id: after the row with id `after`, at most `limit` rows, and only
/// those created or changed at or after `modified_since`.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdPage {
    pub after: i64,
    pub limit: i64,
    pub modified_since: Option<chrono::NaiveDateTime>,
}

/// When a row was last created or changed, for `modified_since` on the lists that are read whole.
pub trait Modified {
    fn modified_at(&self) -> chrono::NaiveDateTime;
}

/// The rows created or changed at or after `since`; all of them without it.
pub fn modified_since<T: Modified>(mut rows: Vec<T>, since: Option<chrono::NaiveDateTime>) -> Vec<T> {
    if let Some(since) = since {
        rows.retain(|row| row.modified_at() >= since);
    }
    rows
}

/// How many elements PostgreSQL's generic plan assumes an array parameter holds.
const GENERIC_PLAN_ARRAY: usize = 10;

/// `values` for `eq_any` in a statement run on every request, padded (by repeating the last one) to
/// the ten elements PostgreSQL's generic plan assumes. With fewer, planning for the actual values
/// looks cheaper than the cached generic plan as soon as the tables are large, and PostgreSQL plans
/// the statement again at every execution: at national scale that was most of the difference from
/// municipal scale. Repeats change nothing in `= ANY` or `IN`, and index scans skip them.
pub fn plan_stable<T: Clone>(values: &[T]) -> Vec<T> {
    let mut padded = values.to_vec();
    if let Some(last) = values.last() {
        padded.resize(GENERIC_PLAN_ARRAY.max(values.len()), last.clone());
    }
    padded
}

/// One connection type for both backends. SQLite is listed last: diesel tries the variants in
/// order, and SQLite would accept any string as a file name.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Every SQLite connection: WAL so that readers never wait for the writer, foreign keys enforced,
/// a busy timeout so that writers queue, and full sync so that an acknowledged write survives a crash.
const SQLITE_PRAGMAS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";

/// Every PostgreSQL connection.
const POSTGRES_SETTINGS: &str = "SET statement_timeout = '60s'; SET idle_in_transaction_session_timeout = '60s';";

/// Taken first by every write transaction on PostgreSQL, so that writers commit one at a time (as
/// SQLite's do) and the change feed's ids, drawn by triggers, are in commit order: a reader that has
/// seen id n has seen every change committed before it.
const WRITE_LOCK_KEY: i64 = 0x6461_6773_7772_6974; // "dagswrit"

/// Serialises concurrent migration runs of several instances starting at once on PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x6461_6773_6f72_6465; // "dagsorde"

/// Where the data lives, parsed from `DATABASE_URL`. An unknown scheme is an error, never a file name.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(value.to_owned()))
        } else if let Some(path) = value.strip_prefix("sqlite://") {
            if path.is_empty() {
                Err("sqlite:// needs a file path, e.g. sqlite://./data/dagsorden.db".to_owned())
            } else {
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            }
        } else {
            Err("the database URL must start with sqlite:// or postgres://".to_owned())
        }
    }
}

/// Shows the URL without its password, for logs and errors.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("postgres://(unparseable)"),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DatabaseUrl {
    /// The URL with its password, for handing to another process; never for logs.
    pub fn unredacted(&self) -> String {
        match self {
            DatabaseUrl::Postgres(raw) => raw.clone(),
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Opens one connection of the concrete backend, so that a wrong password, a server that is down
    /// or an unwritable directory is reported as such.
    fn establish(&self) -> Result<DbConnection, ConnectionError> {
        match self {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // No statement may hold a connection (and its locks) indefinitely.
                conn.batch_execute(POSTGRES_SETTINGS).map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgresql(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(ConnectionError::CouldntSetupConfiguration)?;
                // The search index's triggers stem text with it (see the `search` migration).
                dagsorden_stems_utils::register_impl(&mut conn, |text: String| crate::domain::search::stems(&text))
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

diesel::define_sql_function! {
    /// The Danish stems of a text, space-separated: what SQLite's full-text index holds.
    fn dagsorden_stems(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A pooled connection, with whether it was found dead after a failed request.
pub struct Pooled {
    connection: DbConnection,
    dead: bool,
}

impl Pooled {
    /// Runs `f`; when it fails in a way a lost connection would, checks the connection so that
    /// the pool replaces a dead one. Connections are not checked on the way out of the pool (a
    /// round trip on every request): a database that restarted costs each old connection one
    /// failed request, answered 503, instead.
    fn run<T, E: RunError>(&mut self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E> {
        let result = f(&mut self.connection);
        if result.as_ref().is_err_and(RunError::may_be_lost_connection) && self.connection.ping().is_err() {
            self.dead = true;
            return result.map_err(RunError::lost);
        }
        result
    }
}

/// What a unit of work run on a pooled connection may fail with: persistence's own errors, and
/// whatever the layer that wrote the unit of work adds (the HTTP layer's `ApiError`). The runner
/// needs to know which failures may come from a connection the database closed, and how to say so.
pub trait RunError: From<StoreError> + From<DieselError> + Send + 'static {
    /// Whether this failure could have come from a connection the database closed.
    fn may_be_lost_connection(&self) -> bool;
    /// This failure, told as the lost connection it turned out to be.
    fn lost(self) -> Self;
}

impl RunError for StoreError {
    fn may_be_lost_connection(&self) -> bool {
        matches!(self, StoreError::Unavailable(_) | StoreError::Database(_) | StoreError::Internal(_))
    }

    fn lost(self) -> Self {
        match self {
            StoreError::Unavailable(_) => self,
            other => StoreError::Unavailable(format!("lost the database connection: {other}")),
        }
    }
}

fn blocking_task_failed(e: actix_web::error::BlockingError) -> StoreError {
    StoreError::internal(format!("blocking task: {e}"))
}

/// Opens connections for the pool with the concrete backend's `establish`.
pub struct Manager(DatabaseUrl);

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectionError;

    fn connect(&self) -> Result<Pooled, ConnectionError> {
        Ok(Pooled { connection: self.0.establish()?, dead: false })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), ConnectionError> {
        conn.connection.ping().map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.dead || conn.connection.is_broken()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the directory for {0}: {1}")]
    Directory(PathBuf, std::io::Error),
    #[error("cannot connect to {0}: {1}")]
    Connect(DatabaseUrl, ConnectionError),
    #[error("cannot migrate {0}: {1}")]
    Migrate(DatabaseUrl, String),
    #[error("cannot build the connection pool for {0}: {1}")]
    Pool(DatabaseUrl, r2d2::PoolError),
}

/// The connection pool, and the one way handlers reach the database.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
}

impl Database {
    /// Connects (creating an SQLite file and its directory on first use), applies pending
    /// migrations and builds the pool.
    ///
    /// A request that waits longer than `checkout_timeout` for a connection (the database is down or
    /// every connection is busy) is answered 503 instead of waiting on.
    pub fn open(url: &DatabaseUrl, pool_size: u32, checkout_timeout: Duration) -> Result<Database, StartupError> {
        let applied = migrate(url)?;
        for version in applied {
            log::info!("applied migration {version}");
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .test_on_check_out(false)
            .connection_timeout(checkout_timeout)
            .build(Manager(url.clone()))
            .map_err(|e| StartupError::Pool(url.clone(), e))?;
        Ok(Database { pool, backend: url.backend() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` once on a pooled connection, off the async workers.
    pub async fn once<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: RunError,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || checkout(&pool)?.run(f)).await.map_err(|e| E::from(blocking_task_failed(e)))?
    }

    /// Runs `f`, which reads, on a pooled connection, off the async workers. A connection the
    /// database has closed (a restart, `pg_terminate_backend`) fails the first request that uses
    /// it; `f` is then tried once more on a fresh connection, which a read can be.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: RunError,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = checkout(&pool)?;
            let first = conn.run(f.clone());
            if first.is_ok() || !conn.dead {
                return first;
            }
            drop(conn);
            live_checkout(&pool)?.run(f)
        })
        .await
        .map_err(|e| E::from(blocking_task_failed(e)))?
    }

    /// Runs `f` in one write transaction: all of it is stored, or none of it. A connection the
    /// database has closed is found when the transaction begins, before anything is sent; the
    /// transaction then begins on a fresh connection. (Once `f` has run, a lost connection is a 503:
    /// whether the commit reached the database before it went is not known.)
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: RunError,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = checkout(&pool)?;
            if let Err(refused) = conn.run(|conn| begin_write(conn).map_err(E::from)) {
                if !conn.dead {
                    return Err(refused);
                }
                drop(conn);
                conn = live_checkout(&pool)?;
                conn.run(|conn| begin_write(conn).map_err(E::from))?;
            }
            conn.run(|conn| finish_write(conn, f))
        })
        .await
        .map_err(|e| E::from(blocking_task_failed(e)))?
    }

    /// Runs `f` on a pooled connection on the calling thread: for background threads, never for
    /// the async workers.
    pub fn blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: RunError,
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
    {
        checkout(&self.pool)?.run(f)
    }

    /// The pool's connections and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Whether the database answers, for the readiness probe.
    pub async fn ping(&self) -> StoreResult<()> {
        self.read(|conn| conn.ping().map_err(StoreError::from)).await
    }
}

fn checkout(pool: &r2d2::Pool<Manager>) -> StoreResult<r2d2::PooledConnection<Manager>> {
    pool.get().map_err(|e| StoreError::Unavailable(format!("database pool: {e}")))
}

/// A pooled connection that answers, after one was found closed: the others may have been closed
/// with it, so each is checked (and a closed one discarded) before it is used.
fn live_checkout(pool: &r2d2::Pool<Manager>) -> StoreResult<r2d2::PooledConnection<Manager>> {
    for _ in 0..=pool.max_size() {
        let mut conn = checkout(pool)?;
        if conn.connection.ping().is_ok() {
            return Ok(conn);
        }
        conn.dead = true;
    }
    Err(StoreError::Unavailable("no database connection answers".into()))
}

/// A write transaction. On SQLite it begins IMMEDIATE, taking the write lock up front: a deferred
/// transaction that reads first and writes later fails outright (SQLITE_BUSY_SNAPSHOT) when
/// another writer committed in between, whereas an immediate one waits its turn (busy_timeout).
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    begin_write(conn)?;
    finish_write(conn, f)
}

// The multi-connection's transaction manager delegates to the backend connection's state, so the
// transaction begun here is committed or rolled back by it, and nested transactions in `f` nest.
type TransactionManagerOf = <DbConnection as Connection>::TransactionManager;

/// Begins a write transaction: on PostgreSQL with the writers' lock (see [`WRITE_LOCK_KEY`]).
fn begin_write(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgresql(_) => {
            TransactionManagerOf::begin_transaction(conn)?;
            if let DbConnection::Postgresql(pg) = conn {
                let locked = diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                    .bind::<diesel::sql_types::BigInt, _>(WRITE_LOCK_KEY)
                    .execute(pg);
                if let Err(error) = locked {
                    let _ = TransactionManagerOf::rollback_transaction(conn);
                    return Err(error);
                }
            }
            Ok(())
        }
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE"),
    }
}

/// Runs `f` in the write transaction begun, and commits it, or rolls it back when `f` fails.
fn finish_write<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    type Manager = TransactionManagerOf;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Applies pending migrations with a concrete connection of the backend; returns what was applied.
pub fn migrate(url: &DatabaseUrl) -> Result<Vec<String>, StartupError> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| StartupError::Directory(dir.to_owned(), e))?;
    }
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| StartupError::Migrate(url.clone(), e.to_string());
    let names =
        |versions: Vec<diesel::migration::MigrationVersion<'_>>| versions.iter().map(ToString::to_string).collect();
    match url.establish().map_err(|e| StartupError::Connect(url.clone(), e))? {
        DbConnection::Sqlite(mut conn) => Ok(names(conn.run_pending_migrations(SQLITE_MIGRATIONS).map_err(failed)?)),
        DbConnection::Postgresql(mut conn) => {
            let lock = |conn: &mut PgConnection, sql: &str| {
                diesel::sql_query(sql)
                    .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
                    .execute(conn)
                    .map_err(|e| StartupError::Migrate(url.clone(), e.to_string()))
            };
            lock(&mut conn, "SELECT pg_advisory_lock($1)")?;
            let result = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(names).map_err(failed);
            lock(&mut conn, "SELECT pg_advisory_unlock($1)")?;
            result
        }
    }
}

/// Refreshes the planner's statistics (both backends know `ANALYZE`), after a bulk load.
pub fn analyze(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("ANALYZE")
}

/// `Stale` when a removal aimed at one version removed nothing.
pub fn removed_one(count: usize) -> StoreResult<()> {
    if count == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Whether the backend says "try again later": SQLite's busy timeout ran out while another writer held
/// the lock. Such errors answer 503 rather than 500.
pub fn is_busy(error: &DieselError) -> bool {
    matches!(error, DieselError::DatabaseError(_, info) if info.message().contains("database is locked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_parsed_by_scheme() {
        assert_eq!("sqlite://./data/x.db".parse(), Ok(DatabaseUrl::Sqlite("./data/x.db".into())));
        assert_eq!("sqlite:///var/lib/x.db".parse(), Ok(DatabaseUrl::Sqlite("/var/lib/x.db".into())));
        assert!(matches!("postgres://u:p@h/db".parse(), Ok(DatabaseUrl::Postgres(_))));
        assert!(matches!("postgresql://h/db".parse(), Ok(DatabaseUrl::Postgres(_))));
        assert!("mysql://h/db".parse::<DatabaseUrl>().is_err());
        assert!("./data/x.db".parse::<DatabaseUrl>().is_err());
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn displayed_urls_hide_the_password() {
        let url: DatabaseUrl = "postgres://app:s3cret@db:5432/dagsorden".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://app:***@db:5432/dagsorden");
    }

    #[test]
    fn arrays_are_padded_to_what_the_generic_plan_assumes() {
        assert_eq!(plan_stable::<i64>(&[]), Vec::<i64>::new(), "an empty array stays empty");
        assert_eq!(plan_stable(&[7]), vec![7; 10]);
        assert_eq!(plan_stable(&[1, 2, 3]), vec![1, 2, 3, 3, 3, 3, 3, 3, 3, 3]);
        let many: Vec<i64> = (0..12).collect();
        assert_eq!(plan_stable(&many), many, "longer arrays are bound as they are");
    }
}
