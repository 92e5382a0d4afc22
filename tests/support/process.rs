//! The built binary as a child process, and what tests that run it share: starting it, minting
//! tokens with it, calling it over HTTP, and a PostgreSQL database of its own.
#![allow(dead_code)] // each test crate that includes this uses part of it

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const BINARY: &str = env!("CARGO_BIN_EXE_dagsorden");

/// The service as a child process, stopped when dropped.
pub struct Running {
    pub child: Child,
    pub base: String,
    /// What the service writes after it started, a line at a time.
    lines: std::sync::mpsc::Receiver<String>,
}

impl Running {
    /// The first line the service writes from now on that contains `text`.
    pub fn wait_for_line(&self, text: &str, timeout: std::time::Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn command(dir: &Path, envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in envs {
        command.env(key, value);
    }
    command
}

/// Starts `dagsorden` (no arguments) and waits for the line that says where it listens. Its output
/// keeps being read, so that the service never writes into a closed pipe.
pub fn serve(dir: &Path, envs: &[(&str, &str)]) -> Running {
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
            return Running { child, base: url.trim().to_owned(), lines: received };
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("dagsorden did not start: {seen:#?}");
}

pub fn token(dir: &Path, envs: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    command(dir, envs).arg("token").args(args).output().expect("run dagsorden token")
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

pub fn status(base: &str, path: &str, token: &str) -> u16 {
    let mut request = agent().get(format!("{base}{path}"));
    if !token.is_empty() {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request.call().expect("answer").status().as_u16()
}

/// A JSON request to the running service; the status and the body.
pub fn call(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let answer = send(base, method, path, token, &[], body);
    (answer.status, answer.json)
}

/// An answer from the running service.
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    /// The body as JSON (`Null` if it is not).
    pub json: serde_json::Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request with headers of its own (`If-Match`, `Idempotency-Key` …) to the running service.
pub fn send(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Answer {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"))
        .header("Authorization", format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(body) => {
            request = request.header("Content-Type", "application/json");
            body.to_string().into_bytes()
        }
        None => Vec::new(),
    };
    let mut answer = agent().run(request.body(body).unwrap()).expect("an answer");
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    Answer {
        status: answer.status().as_u16(),
        headers: answer.headers().clone(),
        json: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    }
}

/// What the webhook tests set up through the API, spread over `bases` in turn (one instance or
/// several): the secretariat's access group, the committee Direktionen it is secretary of, and the
/// case system registered as a client acting as the secretariat. The committee, and the client's token.
pub fn secretariat(bases: &[&str], admin: &str) -> (serde_json::Value, String) {
    use serde_json::json;
    let mut turn = bases.iter().cycle();
    let mut post = |path: &str, body: serde_json::Value| {
        let (status, created) = call(turn.next().unwrap(), "POST", path, admin, Some(body));
        assert_eq!(status, 201, "{created}");
        created
    };
    let group =
        post("/v1/access-groups", json!({"name": "Sekretariatet", "external_id": "sekretariatet", "tier": "staff"}));
    let committee = post(
        "/v1/committees",
        json!({"name": "Direktionen", "kind": "executive_board", "owner_group_id": group["id"], "publication": "internal"}),
    );
    post(&format!("/v1/committees/{}/grants", committee["id"]), json!({"group_id": group["id"], "role": "secretary"}));
    let client = post("/v1/clients", json!({"name": "ESDH", "group_id": group["id"]}));
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap()
    );
    let mut answer = agent()
        .post(format!("{}/v1/auth/token", turn.next().unwrap()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)
        .unwrap();
    let token: serde_json::Value = serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap();
    (committee, token["access_token"].as_str().unwrap().to_owned())
}

/// A fresh PostgreSQL database for one test, dropped after it; `None` where no server is named.
pub struct PostgresDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PostgresDatabase {
    pub fn create(label: &str) -> Option<PostgresDatabase> {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let Ok(admin) = std::env::var("DAGSORDEN_TEST_POSTGRES_URL") else {
            assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests");
            return None;
        };
        let name = format!("dagsorden_test_{label}_{}", std::process::id());
        let mut connection = PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut connection).unwrap();
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        Some(PostgresDatabase { admin, name, url: url.to_string() })
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        if let Ok(mut connection) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .execute(&mut connection);
        }
    }
}
