use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;

use dagsorden::auth::{Authenticator, UserClaims};
use dagsorden::config::{Cli, Command, Settings, TokenArgs};
use dagsorden::db::{self, Database};
use dagsorden::server::Service;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Token(args) => token(&cli.settings, args),
        Command::Migrate => migrate(&cli.settings),
        Command::Openapi => openapi(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dagsorden: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &Settings) -> Result<(), String> {
    let authenticator =
        Authenticator::from_settings(&settings.tokens, &settings.database_url).map_err(|e| e.to_string())?;
    let local_tokens = authenticator.accepts_local_user_tokens();
    if !local_tokens && !authenticator.has_identity_provider() {
        log::warn!("no user can sign in: local tokens are off and no identity provider is configured");
    }
    let db = Database::open(&settings.database_url, settings.pool_size).map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(settings.bind).map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let workers = settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let server = Service::new(db, authenticator, settings.max_json_bytes)
        .http_server(listener, workers)
        .map_err(|e| e.to_string())?;

    println!("dagsorden {} listening on http://{address}", env!("CARGO_PKG_VERSION"));
    println!("  database  {}", settings.database_url);
    println!("  API docs  http://{address}/docs/");
    println!("  OpenAPI   http://{address}/v1/openapi.json");
    if local_tokens {
        println!("  a token   cargo run --release -- token --sub alice --name Alice --roles admin");
    } else {
        println!("  tokens    come from the identity provider (local tokens are off)");
    }

    actix_web::rt::System::new().block_on(server).map_err(|e| e.to_string())
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

fn openapi() -> Result<(), String> {
    let json = serde_json::to_string_pretty(&dagsorden::api::openapi()).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}
