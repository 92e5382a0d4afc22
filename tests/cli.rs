//! The binary as a user runs it: `dagsorden` starts the service on an SQLite file it creates, and
//! `dagsorden token` prints a token that service accepts, with nothing configured.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_dagsorden");

/// The service as a child process, stopped when dropped.
struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(dir: &Path, envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in envs {
        command.env(key, value);
    }
    command
}

/// Starts `dagsorden` (no arguments) and waits for the line that says where it listens. Its output
/// keeps being read, so that the service never writes into a closed pipe.
fn serve(dir: &Path, envs: &[(&str, &str)]) -> Running {
    let mut child = command(dir, envs)
        .env("DAGSORDEN_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dagsorden");
    let (lines, received) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
    }
    drop(lines);
    let mut seen = Vec::new();
    while let Ok(line) = received.recv_timeout(std::time::Duration::from_secs(30)) {
        if let Some(url) = line.split("listening on ").nth(1) {
            return Running { child, base: url.trim().to_owned() };
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("dagsorden did not start: {seen:#?}");
}

fn token(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    command(dir, envs).arg("token").args(args).output().expect("run dagsorden token")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn status(base: &str, path: &str, token: &str) -> u16 {
    let mut request = agent().get(format!("{base}{path}"));
    if !token.is_empty() {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request.call().expect("answer").status().as_u16()
}

#[test]
fn the_quick_start_works_with_nothing_configured() {
    let dir = tempfile::tempdir().unwrap();
    let running = serve(dir.path(), &[]);
    assert!(dir.path().join("data/dagsorden.db").exists(), "the database is created on first start");
    assert!(dir.path().join("data/dagsorden.db.token-key").exists(), "so is the local signing key");

    let output = token(dir.path(), &[], &["--sub", "alice", "--name", "Alice", "--roles", "admin"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let admin = String::from_utf8(output.stdout).unwrap().trim().to_owned();

    let created = agent()
        .post(format!("{}/v1/access-groups", running.base))
        .header("Authorization", format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(r#"{"name": "Direktionen", "external_id": "direktionen", "tier": "political"}"#)
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(status(&running.base, "/v1/access-groups/1", &admin), 200);
    assert_eq!(status(&running.base, "/v1/access-groups/1", ""), 401);
    assert_eq!(status(&running.base, "/docs/", ""), 200);
    assert_eq!(status(&running.base, "/v1/openapi.json", ""), 200);
    assert_eq!(status(&running.base, "/readyz", ""), 200);
    drop(running);

    // Restarted on the same file, the data and the key are still there.
    let again = serve(dir.path(), &[]);
    assert_eq!(status(&again.base, "/v1/access-groups/1", &admin), 200);
}

#[test]
fn production_can_turn_local_tokens_off() {
    let dir = tempfile::tempdir().unwrap();
    let secret = [("DAGSORDEN_TOKEN_SECRET", "a production secret of at least thirty-two bytes")];
    let minted = token(dir.path(), &secret, &["--sub", "alice", "--roles", "admin"]);
    let minted = String::from_utf8(minted.stdout).unwrap().trim().to_owned();
    assert!(!minted.is_empty());

    let off = [secret[0], ("DAGSORDEN_LOCAL_TOKENS", "false")];
    let refused = token(dir.path(), &off, &["--sub", "alice"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("turned off"));
    let running = serve(dir.path(), &off);
    assert_eq!(status(&running.base, "/v1/access-groups", &minted), 401);
}

#[test]
fn bad_configuration_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(dir.path(), &[("DATABASE_URL", "mysql://localhost/x")]).arg("migrate").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sqlite:// or postgres://"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no file was created");

    let output = command(dir.path(), &[("DATABASE_URL", "postgres://nobody:wrong@127.0.0.1:1/none")])
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("cannot connect"), "{message}");
    assert!(!message.contains("wrong"), "the password is not printed: {message}");

    let output =
        command(dir.path(), &[("DAGSORDEN_TOKEN_SECRET", "short")]).args(["token", "--sub", "x"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 32 bytes"));
}

#[test]
fn migrate_applies_once_and_openapi_prints_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let url = [("DATABASE_URL", "sqlite://./other/place.db")];
    let first = command(dir.path(), &url).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    let second = command(dir.path(), &url).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
    assert!(dir.path().join("other/place.db").exists());

    let printed = command(dir.path(), &[]).arg("openapi").output().unwrap();
    let document: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
}

/// The same binary on PostgreSQL, nothing else changed.
#[test]
fn the_service_runs_on_postgresql() {
    let Ok(admin_url) = std::env::var("DAGSORDEN_TEST_POSTGRES_URL") else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests");
        return;
    };
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let name = format!("dagsorden_test_cli_{}", std::process::id());
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("DATABASE_URL", url.as_str()),
        ("DAGSORDEN_TOKEN_SECRET", "a production secret of at least thirty-two bytes"),
    ];
    {
        let running = serve(dir.path(), &envs);
        let admin_token =
            String::from_utf8(token(dir.path(), &envs, &["--sub", "a", "--roles", "admin"]).stdout).unwrap();
        assert_eq!(status(&running.base, "/v1/committees", admin_token.trim()), 200);
        assert_eq!(status(&running.base, "/readyz", ""), 200);
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no SQLite file beside it");
    }
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut admin).unwrap();
}

/// SIGTERM: the service stops accepting connections, finishes the request in flight (here, one
/// whose body is still arriving), and exits cleanly.
#[test]
fn sigterm_finishes_the_request_in_flight_and_exits() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let mut running = serve(dir.path(), &[("DAGSORDEN_SHUTDOWN_TIMEOUT_SECONDS", "20")]);
    let admin = String::from_utf8(token(dir.path(), &[], &["--sub", "a", "--roles", "admin"]).stdout).unwrap();
    let address = running.base.trim_start_matches("http://").to_owned();
    let body = r#"{"name": "Sidste gruppe", "tier": "unit"}"#;
    let mut stream = TcpStream::connect(&address).unwrap();
    let head = format!(
        "POST /v1/access-groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        admin.trim(),
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let killed = Command::new("kill").args(["-TERM", &running.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(TcpStream::connect(&address).is_err(), "no new connections after SIGTERM");

    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_generator_fills_an_empty_database_that_the_service_then_serves() {
    let dir = tempfile::tempdir().unwrap();
    let generate = || command(dir.path(), &[]).args(["generate", "--years", "1", "--users", "20"]).output().unwrap();
    let output = generate();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // 33 committees with 12 meetings this year and 12 next year, 10 items each.
    assert_eq!(manifest["meetings"], 33 * 24);
    assert_eq!(manifest["items"], 33 * 24 * 10);
    assert!(manifest["draft_meeting_ids"].as_array().unwrap().len() >= 12, "{manifest}");
    // Generating into a database that holds data is refused.
    let again = generate();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty"), "{}", String::from_utf8_lossy(&again.stderr));

    let running = serve(dir.path(), &[]);
    let token_of = |who: &str| {
        let person = &manifest[who];
        let output = token(
            dir.path(),
            &[],
            &["--sub", person["subject"].as_str().unwrap(), "--groups", person["groups"][0].as_str().unwrap()],
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let meeting = manifest["meeting_id"].as_i64().unwrap();
    let read = |path: &str, token: &str| {
        let mut request = agent().get(format!("{}{path}", running.base));
        if !token.is_empty() {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut answer = request.call().unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{path}");
        serde_json::from_str::<serde_json::Value>(&answer.body_mut().read_to_string().unwrap()).unwrap()
    };
    let as_member = read(&format!("/v1/meetings/{meeting}"), &token_of("member"));
    assert_eq!(as_member["items"].as_array().unwrap().len(), 10);
    assert_eq!(as_member["status"], "minutes_published");
    let public = read(&format!("/v1/public/meetings/{meeting}/published/minutes/1"), "");
    assert_eq!(public["items"].as_array().unwrap().len(), 10);
    let report = read(&format!("/v1/allocations/report?year={}", manifest["report_year"]), &token_of("payer"));
    assert!(!report["units"].as_array().unwrap().is_empty(), "{report}");
}
