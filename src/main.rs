use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;

use dagsorden::auth::{Authenticator, UserClaims};
use dagsorden::config::{AuditCommand, Cli, Command, GenerateArgs, Settings, TokenArgs};
use dagsorden::db::{self, Database};
use dagsorden::server::Service;

fn main() -> ExitCode {
    limit_malloc_arenas();
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Token(args) => token(&cli.settings, args),
        Command::Migrate => migrate(&cli.settings),
        Command::Openapi => openapi(),
        Command::Audit(AuditCommand::Verify(args)) => verify_audit(&cli.settings, args.expect_head),
        Command::Generate(args) => generate(&cli.settings, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dagsorden: {message}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that allocates under contention an arena of its own, up to eight per
/// core, and an arena keeps what it once held: the blocking pool's threads, each with its own, left
/// SQLite's search at 81 MB resident where two arenas hold 56 MB (BENCHMARKS.md). Runs before any
/// thread starts; an operator's `MALLOC_ARENA_MAX` wins.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a parameter of the allocator; called while this is the only thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// One line per record; a record written while a request is handled carries the request's id.
fn init_logging() {
    use std::io::Write;
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format(|buf, record| {
            let request = dagsorden::request_context::current().map(|id| format!(" request={id}")).unwrap_or_default();
            writeln!(
                buf,
                "[{} {} {}{request}] {}",
                buf.timestamp_micros(),
                record.level(),
                record.target(),
                record.args()
            )
        })
        .init();
}

fn serve(settings: &Settings) -> Result<(), String> {
    let authenticator =
        Authenticator::from_settings(&settings.tokens, &settings.database_url).map_err(|e| e.to_string())?;
    let local_tokens = authenticator.accepts_local_user_tokens();
    if !local_tokens && !authenticator.has_identity_provider() {
        log::warn!("no user can sign in: local tokens are off and no identity provider is configured");
    }
    let checkout_timeout = std::time::Duration::from_secs(settings.db_timeout_seconds);
    let db = Database::open(&settings.database_url, settings.pool_size, checkout_timeout).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(settings.bind).map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let workers = settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let service = Service::new(db, authenticator, settings.service_options());
    let background = service.background();
    let server = service.http_server(listener, workers).map_err(|e| e.to_string())?;

    println!("dagsorden {} listening on http://{address}", env!("CARGO_PKG_VERSION"));
    println!("  database  {}", settings.database_url);
    println!("  API docs  http://{address}/docs/");
    println!("  OpenAPI   http://{address}/v1/openapi.json");
    if local_tokens {
        println!("  a token   cargo run --release -- token --sub alice --name Alice --roles admin");
    } else {
        println!("  tokens    come from the identity provider (local tokens are off)");
    }

    let served = actix_web::rt::System::new().block_on(server).map_err(|e| e.to_string());
    // The requests are done; the audit records they queued are written before the process ends.
    background.finish(std::time::Duration::from_secs(10));
    served
}

fn token(settings: &Settings, args: TokenArgs) -> Result<(), String> {
    let authenticator =
        Authenticator::from_settings(&settings.tokens, &settings.database_url).map_err(|e| e.to_string())?;
    let claims =
        UserClaims { sub: args.sub, name: args.name, email: args.email, groups: args.groups, roles: args.roles };
    let token = authenticator.mint(claims, u64::from(args.hours) * 3600)?;
    println!("{token}");
    Ok(())
}

fn migrate(settings: &Settings) -> Result<(), String> {
    let applied = db::migrate(&settings.database_url).map_err(|e| e.to_string())?;
    if applied.is_empty() {
        println!("{} is up to date", settings.database_url);
    }
    for version in applied {
        println!("applied {version}");
    }
    Ok(())
}

fn verify_audit(settings: &Settings, expected_head: Option<(i64, String)>) -> Result<(), String> {
    let db = Database::open(&settings.database_url, 1, std::time::Duration::from_secs(settings.db_timeout_seconds))
        .map_err(|e| e.to_string())?;
    let report = db
        .blocking::<_, db::StoreError, _>(|conn| Ok(db::audit::verify(conn, expected_head)?))
        .map_err(|e| e.to_string())?;
    match report.fault {
        None => {
            println!("audit trail intact: {} sealed records, {} not yet sealed", report.sealed, report.unsealed);
            println!("head: seq {} hash {}", report.head_seq, report.head_hash);
            println!(
                "  (keep it, and check later: dagsorden audit verify --expect-head {}:{})",
                report.head_seq, report.head_hash
            );
            Ok(())
        }
        Some(fault) => {
            use dagsorden::domain::audit::Fault;
            let what = match fault {
                Fault::Gap { expected, found } => format!("records {expected} to {} are missing", found - 1),
                Fault::BrokenLink { seq } => format!("record {seq} does not follow the record before it"),
                Fault::Altered { seq, id } => format!("record {seq} (id {id}) was changed after it was sealed"),
                Fault::Truncated { anchor_seq } => {
                    format!("records 1 to {anchor_seq} were removed from its start without a retention record of it")
                }
                Fault::HeadMissing { seq } => format!("records up to {seq}, the head kept elsewhere, are missing"),
                Fault::HeadChanged { seq } => format!("record {seq}, the head kept elsewhere, is not the one it was"),
            };
            Err(format!("the audit trail is broken after {} intact records: {what}", report.sealed))
        }
    }
}

fn generate(settings: &Settings, args: GenerateArgs) -> Result<(), String> {
    let jobs = if settings.database_url.backend() == db::Backend::Sqlite { 1 } else { args.jobs };
    let db =
        Database::open(&settings.database_url, jobs, std::time::Duration::from_secs(600)).map_err(|e| e.to_string())?;
    let plan = dagsorden::generate::Plan {
        jobs,
        municipalities: args.municipalities,
        years: args.years,
        seed: args.seed,
        users_per_municipality: args.users,
    };
    let started = std::time::Instant::now();
    let manifest = dagsorden::generate::generate(&db, &plan, |line| eprintln!("{line}")).map_err(|e| e.to_string())?;
    eprintln!("generated in {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?);
    Ok(())
}

fn openapi() -> Result<(), String> {
    let json = serde_json::to_string_pretty(&dagsorden::api::openapi()).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}
