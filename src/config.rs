//! Configuration: command-line options, each with an environment variable, so that a container is
//! configured by its environment and a developer needs to configure nothing at all.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::db::DatabaseUrl;

#[derive(Debug, Parser)]
#[command(name = "dagsorden", version, about = "Meetings, agendas and minutes for Danish municipalities")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    /// What to do; without a command the service is started.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Print a bearer token signed with the service's own key, for local use and scripts.
    Token(TokenArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Work with the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Fill an empty database with generated municipalities, for benchmarks; prints what the
    /// benchmark needs to know of them as JSON.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many municipalities (98 for national scale).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub municipalities: u32,
    /// Years of meetings up to this year (next year's meetings are added as drafts).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub years: u32,
    /// Users per municipality.
    #[arg(long, default_value_t = 3000)]
    pub users: u32,
    /// The same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Municipalities generated at once (PostgreSQL; SQLite takes one at a time).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub jobs: u32,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check that no sealed audit record has been removed or altered: none from the start (beyond
    /// what retention recorded it removed), none in between, and, given a head kept elsewhere (the
    /// service logs its head as it seals), none from the end. Prints the chain's head. Exits 1 if
    /// the chain is broken.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head kept elsewhere, `SEQ:HASH` (as `audit verify` prints it, or the service's log line
    /// "audit chain head SEQ:HASH"): the chain must still hold that record.
    #[arg(long, value_parser = parse_head)]
    pub expect_head: Option<(i64, String)>,
}

fn parse_head(text: &str) -> Result<(i64, String), String> {
    let (seq, hash) = text.split_once(':').ok_or("expected SEQ:HASH")?;
    let seq = seq.parse::<i64>().map_err(|_| "SEQ is not a number")?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("HASH is not 64 hexadecimal digits".into());
    }
    Ok((seq, hash.to_ascii_lowercase()))
}

/// Settings shared by every command.
#[derive(Clone, Debug, Args)]
pub struct Settings {
    /// Where the data lives: `sqlite://<path>` (created on first start) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://./data/dagsorden.db", global = true)]
    pub database_url: DatabaseUrl,

    /// The address the HTTP service listens on.
    #[arg(long, env = "DAGSORDEN_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,

    /// HTTP worker threads (default: one per CPU).
    #[arg(long, env = "DAGSORDEN_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Database connections in the pool.
    #[arg(long, env = "DAGSORDEN_POOL_SIZE", default_value_t = 10, global = true)]
    pub pool_size: u32,

    /// The largest JSON request body accepted, in bytes.
    #[arg(long, env = "DAGSORDEN_MAX_JSON_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_json_bytes: usize,

    /// The largest attachment accepted, in megabytes (413 beyond it).
    #[arg(long, env = "DAGSORDEN_ATTACHMENT_LIMIT_MB", default_value_t = 50, global = true)]
    pub attachment_limit_mb: usize,

    /// Web origins allowed to call the API from a browser (CORS), comma-separated; none by default.
    #[arg(long, env = "DAGSORDEN_CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,

    /// Requests a minute each caller may make (429 beyond it); 0 turns the limit off.
    #[arg(long, env = "DAGSORDEN_RATE_LIMIT_PER_MINUTE", default_value_t = 1200, global = true)]
    pub rate_limit_per_minute: u32,

    /// Token requests a minute from one address; 0 turns the limit off.
    #[arg(long, env = "DAGSORDEN_TOKEN_RATE_LIMIT_PER_MINUTE", default_value_t = 60, global = true)]
    pub token_rate_limit_per_minute: u32,

    /// Reverse proxies (load balancers) in front of the service, comma-separated addresses or
    /// networks: a request from one of them is limited by the client address it names in
    /// `X-Forwarded-For`. None by default: the header is then ignored.
    #[arg(long, env = "DAGSORDEN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = network, global = true)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// How long an `Idempotency-Key` is remembered, in hours.
    #[arg(long, env = "DAGSORDEN_IDEMPOTENCY_HOURS", default_value_t = 24, global = true)]
    pub idempotency_hours: u32,

    /// How long a request may wait for a database connection before it is answered 503, in seconds.
    #[arg(long, env = "DAGSORDEN_DB_TIMEOUT_SECONDS", default_value_t = 5, global = true)]
    pub db_timeout_seconds: u64,

    /// The longest a client may take to send a request (head and body), in seconds.
    #[arg(long, env = "DAGSORDEN_REQUEST_TIMEOUT_SECONDS", default_value_t = 15, global = true)]
    pub request_timeout_seconds: u64,

    /// Audit records older than this many days are removed; 0 keeps them forever.
    #[arg(long, env = "DAGSORDEN_AUDIT_RETENTION_DAYS", default_value_t = 0, global = true)]
    pub audit_retention_days: u32,

    /// On SIGTERM, how long in-flight requests may take to finish, in seconds.
    #[arg(long, env = "DAGSORDEN_SHUTDOWN_TIMEOUT_SECONDS", default_value_t = 30, global = true)]
    pub shutdown_timeout_seconds: u64,

    /// Networks webhooks may be delivered to besides public addresses, comma-separated (addresses or
    /// CIDR, e.g. the municipality's own `10.20.0.0/16`); plain `http://` goes to these only.
    #[arg(long, env = "DAGSORDEN_WEBHOOK_ALLOWED_NETWORKS", value_delimiter = ',', value_parser = network, global = true)]
    pub webhook_allowed_networks: Vec<ipnet::IpNet>,

    /// How long a webhook receiver has to answer, in seconds.
    #[arg(long, env = "DAGSORDEN_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=120), global = true)]
    pub webhook_timeout_seconds: u64,

    /// Attempts at a webhook delivery before it is given up.
    #[arg(long, env = "DAGSORDEN_WEBHOOK_MAX_ATTEMPTS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=50), global = true)]
    pub webhook_max_attempts: u32,

    /// The wait before a failed webhook delivery is tried again, in seconds; each later wait is four
    /// times as long, at most 12 hours.
    #[arg(long, env = "DAGSORDEN_WEBHOOK_FIRST_RETRY_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub webhook_first_retry_seconds: u64,

    /// Records of finished webhook deliveries older than this many days are removed; 0 keeps them.
    #[arg(long, env = "DAGSORDEN_WEBHOOK_RETENTION_DAYS", default_value_t = 30, global = true)]
    pub webhook_retention_days: u32,

    #[command(flatten)]
    pub tokens: TokenSettings,
}

impl Settings {
    /// What the HTTP service needs of the settings.
    pub fn service_options(&self) -> ServiceOptions {
        ServiceOptions {
            body_limit: self.max_json_bytes,
            upload_limit: self.attachment_limit_mb.saturating_mul(1024 * 1024),
            cors_origins: self.cors_origins.clone(),
            rate_limit_per_minute: self.rate_limit_per_minute,
            token_rate_limit_per_minute: self.token_rate_limit_per_minute,
            trusted_proxies: self.trusted_proxies.clone(),
            idempotency_hours: self.idempotency_hours,
            request_timeout: std::time::Duration::from_secs(self.request_timeout_seconds),
            audit_retention_days: self.audit_retention_days,
            shutdown_timeout: std::time::Duration::from_secs(self.shutdown_timeout_seconds),
            webhooks: WebhookOptions {
                allowed_networks: self.webhook_allowed_networks.clone(),
                timeout: std::time::Duration::from_secs(self.webhook_timeout_seconds),
                max_attempts: self.webhook_max_attempts,
                first_retry: std::time::Duration::from_secs(self.webhook_first_retry_seconds),
                retention_days: self.webhook_retention_days,
            },
        }
    }
}

/// A network (`10.20.0.0/16`) or one address (`10.20.1.5`).
fn network(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{text}` is not an address or a network such as 10.20.0.0/16"))
}

/// How webhooks are delivered.
#[derive(Clone, Debug)]
pub struct WebhookOptions {
    /// Networks besides the public internet that deliveries may go to.
    pub allowed_networks: Vec<ipnet::IpNet>,
    pub timeout: std::time::Duration,
    pub max_attempts: u32,
    pub first_retry: std::time::Duration,
    /// Finished deliveries' records are removed after this many days; 0 keeps them.
    pub retention_days: u32,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            allowed_networks: Vec::new(),
            timeout: std::time::Duration::from_secs(10),
            max_attempts: 12,
            first_retry: std::time::Duration::from_secs(10),
            retention_days: 30,
        }
    }
}

/// How the HTTP service behaves, apart from its database and its keys.
#[derive(Clone, Debug)]
pub struct ServiceOptions {
    pub body_limit: usize,
    /// The largest attachment, in bytes.
    pub upload_limit: usize,
    pub cors_origins: Vec<String>,
    pub rate_limit_per_minute: u32,
    pub token_rate_limit_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub idempotency_hours: u32,
    pub request_timeout: std::time::Duration,
    pub audit_retention_days: u32,
    pub shutdown_timeout: std::time::Duration,
    pub webhooks: WebhookOptions,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            body_limit: 1024 * 1024,
            upload_limit: 50 * 1024 * 1024,
            cors_origins: Vec::new(),
            rate_limit_per_minute: 1200,
            token_rate_limit_per_minute: 60,
            trusted_proxies: Vec::new(),
            idempotency_hours: 24,
            request_timeout: std::time::Duration::from_secs(15),
            audit_retention_days: 0,
            shutdown_timeout: std::time::Duration::from_secs(30),
            webhooks: WebhookOptions::default(),
        }
    }
}

/// Which bearer tokens the service accepts.
#[derive(Clone, Debug, Args)]
pub struct TokenSettings {
    /// The secret (at least 32 bytes) the service signs its own tokens with (HS256). Unset on SQLite:
    /// a key is generated beside the database file. Unset on PostgreSQL: the service mints no tokens.
    #[arg(long, env = "DAGSORDEN_TOKEN_SECRET", hide_env_values = true, global = true)]
    pub token_secret: Option<String>,

    /// Whether the service accepts user tokens it signed itself (from the `token` command).
    /// Production deployments that take users from an identity provider turn this off.
    #[arg(long, env = "DAGSORDEN_LOCAL_TOKENS", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub local_tokens: bool,

    /// `iss` of the tokens the service signs.
    #[arg(long, env = "DAGSORDEN_TOKEN_ISSUER", default_value = "dagsorden", global = true)]
    pub token_issuer: String,

    /// `aud` of the tokens the service signs and accepts from itself.
    #[arg(long, env = "DAGSORDEN_TOKEN_AUDIENCE", default_value = "dagsorden", global = true)]
    pub token_audience: String,

    /// The identity provider's issuer (`iss`), e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.
    #[arg(long, env = "DAGSORDEN_OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,

    /// The audience (`aud`) the identity provider puts in tokens for this service.
    #[arg(long, env = "DAGSORDEN_OIDC_AUDIENCE", global = true)]
    pub oidc_audience: Option<String>,

    /// A JWKS file with the identity provider's public keys.
    #[arg(long, env = "DAGSORDEN_OIDC_JWKS_FILE", global = true)]
    pub oidc_jwks_file: Option<PathBuf>,

    /// Or the URL of the identity provider's JWKS, e.g.
    /// `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys`.
    #[arg(long, env = "DAGSORDEN_OIDC_JWKS_URL", global = true)]
    pub oidc_jwks_url: Option<String>,

    /// The shortest time between two reloads of the key set when a token names an unknown key.
    #[arg(long, env = "DAGSORDEN_OIDC_JWKS_MIN_REFRESH_SECONDS", default_value_t = 60, global = true)]
    pub oidc_jwks_min_refresh_seconds: u64,

    /// The signature algorithms accepted from the identity provider, comma-separated.
    #[arg(long, env = "DAGSORDEN_OIDC_ALGORITHMS", default_value = "RS256", value_delimiter = ',', global = true)]
    pub oidc_algorithms: Vec<String>,

    /// How long the tokens of the client-credentials grant are valid, in seconds.
    #[arg(long, env = "DAGSORDEN_CLIENT_TOKEN_SECONDS", default_value_t = 900, global = true)]
    pub client_token_seconds: u64,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The subject (`sub`): the user's stable id.
    #[arg(long)]
    pub sub: String,
    /// The user's display name.
    #[arg(long)]
    pub name: Option<String>,
    /// The user's e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// External ids of the access groups the user belongs to, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub groups: Vec<String>,
    /// Service roles (admin, finance, auditor), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub roles: Vec<String>,
    /// How long the token is valid, in hours.
    #[arg(long, default_value_t = 12)]
    pub hours: u32,
}
