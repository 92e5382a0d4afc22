//! The test harness: every test gets the real service on its own port and its own fresh database,
//! and talks to it over HTTP.
//!
//! Tests run on SQLite always. On PostgreSQL they run when `DAGSORDEN_TEST_POSTGRES_URL` names a
//! server where the test user may create databases (e.g. `postgres://postgres@127.0.0.1:5432/postgres`);
//! each test creates its own database there and drops it afterwards. In CI (`CI` set) a missing
//! PostgreSQL is a failure, not a skip.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use dagsorden::auth::{Authenticator, UserClaims};
use dagsorden::config::{ServiceOptions, TokenSettings, WebhookOptions};
use dagsorden::db::{Database, DatabaseUrl};
use dagsorden::server::Service;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;

pub const SECRET: &[u8] = b"a test secret that is long enough for HS256";
pub const POSTGRES_ENV: &str = "DAGSORDEN_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a fresh service on `backend`; on PostgreSQL only where one is configured.
pub fn run(backend: Backend, test: fn(&TestApp)) {
    if backend == Backend::Postgres && std::env::var_os(POSTGRES_ENV).is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must run the PostgreSQL tests: set {POSTGRES_ENV}");
        eprintln!("skipped: set {POSTGRES_ENV} to run the PostgreSQL variant");
        return;
    }
    let app = TestApp::start(backend);
    test(&app);
}

/// Declares each listed test function once per backend: `<module>::sqlite::<name>` and
/// `<module>::postgres::<name>`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { $crate::common::run($crate::common::Backend::Sqlite, super::$name) } )*
        }
        mod postgres {
            $( #[test] fn $name() { $crate::common::run($crate::common::Backend::Postgres, super::$name) } )*
        }
    };
}

pub fn token_settings() -> TokenSettings {
    TokenSettings {
        token_secret: None,
        local_tokens: true,
        token_issuer: "dagsorden".into(),
        token_audience: "dagsorden".into(),
        oidc_issuer: None,
        oidc_audience: None,
        oidc_jwks_file: None,
        oidc_jwks_url: None,
        oidc_jwks_min_refresh_seconds: 60,
        oidc_algorithms: vec!["RS256".into()],
        client_token_seconds: 900,
    }
}

enum TestDatabase {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another instance's database: not ours to drop.
    Shared,
}

impl TestDatabase {
    fn create(backend: Backend) -> (TestDatabase, DatabaseUrl) {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = DatabaseUrl::Sqlite(dir.path().join("test.db"));
                (TestDatabase::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).expect("checked by run()");
                let name = format!(
                    "dagsorden_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
                );
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| panic!("{POSTGRES_ENV}: {e}"));
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
                let mut url = url::Url::parse(&admin_url).expect("a PostgreSQL URL");
                url.set_path(&name);
                (TestDatabase::Postgres { admin_url, name }, DatabaseUrl::Postgres(url.to_string()))
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

/// A running service and a client for it.
pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    pub database_url: DatabaseUrl,
    agent: ureq::Agent,
    minter: Authenticator,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    _database: TestDatabase,
}

/// How a test's service is set up: a builder, so that a test says only what it changes.
pub struct TestAppBuilder {
    backend: Backend,
    authenticator: Option<Authenticator>,
    options: ServiceOptions,
    pool_size: u32,
    checkout_timeout: Duration,
}

impl TestAppBuilder {
    pub fn authenticator(mut self, authenticator: Authenticator) -> Self {
        self.authenticator = Some(authenticator);
        self
    }

    pub fn options(mut self, change: impl FnOnce(&mut ServiceOptions)) -> Self {
        change(&mut self.options);
        self
    }

    pub fn pool(mut self, size: u32, checkout_timeout: Duration) -> Self {
        self.pool_size = size;
        self.checkout_timeout = checkout_timeout;
        self
    }

    pub fn start(self) -> TestApp {
        let (database, url) = TestDatabase::create(self.backend);
        self.serve(database, url)
    }

    /// The service on a database the test manages itself.
    pub fn start_on(self, url: DatabaseUrl) -> TestApp {
        self.serve(TestDatabase::Shared, url)
    }

    fn serve(self, database: TestDatabase, url: DatabaseUrl) -> TestApp {
        let authenticator = self.authenticator.unwrap_or_else(|| Authenticator::with_secret(SECRET, &token_settings()));
        let db = Database::open(&url, self.pool_size, self.checkout_timeout).expect("open the test database");
        let service = Service::new(db, authenticator, self.options);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = service.http_server(listener, 2).expect("server");
                sender.send(server.handle()).expect("handle");
                server.await.expect("server ran");
            })
        });
        let handle = receiver.recv().expect("server started");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        TestApp {
            base,
            backend: self.backend,
            database_url: url,
            agent,
            minter: Authenticator::with_secret(SECRET, &token_settings()),
            handle,
            thread: Some(thread),
            _database: database,
        }
    }
}

impl TestApp {
    pub fn start(backend: Backend) -> TestApp {
        TestApp::builder(backend).start()
    }

    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            authenticator: None,
            // Tests make many requests quickly as one caller; the limits have tests of their own.
            options: ServiceOptions {
                rate_limit_per_minute: 0,
                token_rate_limit_per_minute: 0,
                // The tests' webhook receivers listen on loopback.
                webhooks: WebhookOptions {
                    allowed_networks: vec!["127.0.0.1/32".parse().unwrap()],
                    ..WebhookOptions::default()
                },
                ..ServiceOptions::default()
            },
            pool_size: 4,
            checkout_timeout: Duration::from_secs(5),
        }
    }

    /// A service that verifies tokens with `authenticator` (tests still mint with [`SECRET`]).
    pub fn start_with(backend: Backend, authenticator: Authenticator) -> TestApp {
        TestApp::builder(backend).authenticator(authenticator).start()
    }

    /// A second instance of the service on this one's database, as behind a load balancer.
    pub fn another_instance(&self) -> TestApp {
        TestApp::builder(self.backend).serve(TestDatabase::Shared, self.database_url.clone())
    }

    /// A valid token for `sub` with these group external ids and service roles.
    pub fn token(&self, sub: &str, groups: &[&str], roles: &[&str]) -> String {
        self.mint(UserClaims {
            sub: sub.into(),
            name: Some(format!("User {sub}")),
            email: None,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        })
    }

    pub fn mint(&self, claims: UserClaims) -> String {
        self.minter.mint(claims, 3600).expect("mint")
    }

    pub fn admin(&self) -> String {
        self.token("admin", &[], &["admin"])
    }

    /// Registers a service client (as an admin); returns its client id and secret.
    pub fn register_client(&self, name: &str, roles: &[&str], group: Option<i64>) -> (String, String) {
        let body = serde_json::json!({"name": name, "roles": roles, "group_id": group});
        let client = self.post("/v1/clients", &self.admin(), body).expect(201).json();
        (client["client_id"].as_str().unwrap().to_owned(), client["client_secret"].as_str().unwrap().to_owned())
    }

    /// A token from the client-credentials grant.
    pub fn client_token(&self, client_id: &str, secret: &str) -> String {
        let form = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            urlencode(client_id),
            urlencode(secret)
        );
        let reply = self
            .call(Request::new("POST", "/v1/auth/token").raw("application/x-www-form-urlencoded", form.into_bytes()));
        reply.expect(200).json()["access_token"].as_str().unwrap().to_owned()
    }

    pub fn call(&self, request: Request) -> Reply {
        let url = format!("{}{}", self.base, request.path);
        let mut builder = ureq::http::Request::builder().method(request.method.as_str()).uri(url);
        if let Some(token) = &request.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = request.body.unwrap_or_default();
        let response = self.agent.run(builder.body(body).expect("request")).expect("the service answers");
        Reply::from(response)
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Request::new("GET", path).token(token))
    }

    /// Uploads a file to an item as `token`.
    pub fn upload(&self, item: i64, token: &str, filename: &str, content: &[u8], title: Option<&str>) -> Reply {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![("file", Some(filename), content)];
        if let Some(title) = title {
            parts.push(("title", None, title.as_bytes()));
        }
        let (content_type, body) = multipart(&parts);
        self.call(Request::new("POST", &format!("/v1/items/{item}/attachments")).token(token).raw(&content_type, body))
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Request::new("POST", path).token(token).json(body))
    }

    pub fn patch(&self, path: &str, token: &str, etag: &str, body: Value) -> Reply {
        self.call(Request::new("PATCH", path).token(token).header("If-Match", etag).json(body))
    }

    pub fn put(&self, path: &str, token: &str, etag: &str, body: Value) -> Reply {
        self.call(Request::new("PUT", path).token(token).header("If-Match", etag).json(body))
    }

    /// A POST that acts on the version named by `etag` (lifecycle actions, sign-offs).
    pub fn post_if(&self, path: &str, token: &str, etag: &str, body: Value) -> Reply {
        self.call(Request::new("POST", path).token(token).header("If-Match", etag).json(body))
    }

    pub fn delete(&self, path: &str, token: &str, etag: &str) -> Reply {
        self.call(Request::new("DELETE", path).token(token).header("If-Match", etag))
    }
}

/// A `multipart/form-data` body of these parts (name, file name, content), and its Content-Type.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "dagsorden-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, filename, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match filename {
            Some(file) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n"),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        if filename.is_some() {
            body.extend_from_slice(b"Content-Type: application/octet-stream\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

pub fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct Request {
    method: String,
    path: String,
    token: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Request {
        Request { method: method.into(), path: path.into(), token: None, headers: Vec::new(), body: None }
    }

    pub fn token(mut self, token: &str) -> Request {
        self.token = Some(token.into());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(self, body: Value) -> Request {
        self.raw("application/json", serde_json::to_vec(&body).unwrap())
    }

    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Request {
        self.headers.push(("Content-Type".into(), content_type.into()));
        self.body = Some(body);
        self
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for binary bodies, which `bytes` holds as sent).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl From<ureq::http::Response<ureq::Body>> for Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let bytes = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_vec().expect("a body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Reply { status, headers, body, bytes }
    }
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn etag(&self) -> String {
        self.header("etag").unwrap_or_else(|| panic!("no ETag: {self:?}")).to_owned()
    }

    /// Asserts the status, showing the body when it differs; returns the reply for chaining.
    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        self
    }

    /// Asserts a problem+json answer with this status and problem type slug.
    #[track_caller]
    pub fn problem(self, status: u16, slug: &str) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.body);
        let body = self.json();
        assert_eq!(body["type"], format!("/problems/{slug}"), "{body}");
        assert_eq!(body["status"], status, "{body}");
        body
    }

    /// The field names of a validation problem.
    pub fn error_fields(self, status: u16) -> Vec<String> {
        let body = self.problem(status, if status == 422 { "validation-failed" } else { "malformed-request" });
        body["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
    }
}

/// A tiny HTTP server answering every GET with a body the test can change, counting the requests:
/// an identity provider's JWKS endpoint, or an attacker's.
pub struct StaticServer {
    pub url: String,
    body: std::sync::Arc<std::sync::Mutex<String>>,
    hits: std::sync::Arc<AtomicUsize>,
    handle: ServerHandle,
}

impl StaticServer {
    pub fn start(body: String) -> StaticServer {
        use actix_web::{App, HttpResponse, HttpServer, web};
        let body = std::sync::Arc::new(std::sync::Mutex::new(body));
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/keys", listener.local_addr().unwrap());
        let (sender, receiver) = mpsc::channel();
        let (served, counted) = (body.clone(), hits.clone());
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let (served, counted) = (served.clone(), counted.clone());
                    App::new().default_service(web::to(move || {
                        counted.fetch_add(1, Ordering::SeqCst);
                        let body = served.lock().unwrap().clone();
                        async move { HttpResponse::Ok().content_type("application/json").body(body) }
                    }))
                })
                .workers(1)
                .listen(listener)
                .unwrap()
                .run();
                sender.send(server.handle()).unwrap();
                server.await.unwrap();
            })
        });
        StaticServer { url, body, hits, handle: receiver.recv().unwrap() }
    }

    pub fn set_body(&self, body: String) {
        *self.body.lock().unwrap() = body;
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// A PostgreSQL cluster of the test's own, which it may stop and start.
pub struct PrivateCluster {
    bin: std::path::PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PrivateCluster {
    /// A new cluster, or `None` where PostgreSQL's server programs are not installed.
    pub fn create() -> Option<PrivateCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|v| v.path().join("bin"))
            .find(|b| b.join("pg_ctl").exists())?;
        let as_postgres =
            String::from_utf8(std::process::Command::new("id").arg("-u").output().ok()?.stdout).ok()?.trim() == "0";
        let dir = tempfile::tempdir().ok()?;
        if as_postgres {
            // initdb refuses to run as root; the cluster belongs to the postgres user.
            std::process::Command::new("chown")
                .args(["-R", "postgres", &dir.path().to_string_lossy()])
                .status()
                .ok()?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let cluster = PrivateCluster { bin, dir, port, as_postgres };
        let data = cluster.data();
        assert!(cluster.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres"]), "initdb");
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn run(&self, program: &str, args: &[&str]) -> bool {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            std::process::Command::new(program)
        };
        command
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn start(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let log = self.dir.path().join("log").to_string_lossy().into_owned();
        assert!(self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]), "pg_ctl start");
    }

    pub fn stop(&self) {
        assert!(self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]), "pg_ctl stop");
    }

    pub fn url(&self) -> dagsorden::db::DatabaseUrl {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port).parse().unwrap()
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }
}
