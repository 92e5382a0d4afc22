//! A webhook receiver for the tests: an HTTP server on loopback that records every request it gets
//! and answers each with the next status of a script (204 once the script is used up), or holds it
//! without answering until told to let go, as a receiver does that hangs while the sender dies.
//!
//! Both the API tests and the command-line tests include this file, each using part of it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub enum Answer {
    Status(u16),
    /// A status with a `Location` header.
    Redirect(u16, String),
    /// No answer: the request is held until [`WebhookReceiver::release`], then the connection closed.
    Hold,
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Whether `webhook-signature` is the Standard Webhooks signature of this request with `secret`
    /// (computed here, from the specification, not by the service's code).
    pub fn signed_with(&self, secret: &str) -> bool {
        let (Some(id), Some(timestamp), Some(signatures)) =
            (self.header("webhook-id"), self.header("webhook-timestamp"), self.header("webhook-signature"))
        else {
            return false;
        };
        let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).expect("a base64 secret");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(&self.body);
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        signatures.split(' ').any(|s| s == expected)
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// The first message that arrived, and how many more of its attempts to answer 500.
    failing: Mutex<(Option<String>, u32)>,
    script: Mutex<VecDeque<Answer>>,
    changed: Condvar,
    released: Mutex<bool>,
    let_go: Condvar,
}

pub struct WebhookReceiver {
    /// The URL to subscribe: `http://127.0.0.1:<port>/hook`.
    pub url: String,
    shared: Arc<Shared>,
}

impl WebhookReceiver {
    pub fn start(script: Vec<Answer>) -> WebhookReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let shared = Arc::new(Shared { script: Mutex::new(script.into()), ..Shared::default() });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let shared = serving.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        WebhookReceiver { url, shared }
    }

    /// A receiver that answers 500 to the first `times` attempts at the first message it gets (by
    /// `webhook-id`), whatever else arrives meanwhile, and 204 to everything else.
    pub fn failing_first(times: u32) -> WebhookReceiver {
        let receiver = WebhookReceiver::start(Vec::new());
        *receiver.shared.failing.lock().unwrap() = (None, times);
        receiver
    }

    /// Lets every held request go (their connections are closed unanswered).
    pub fn release(&self) {
        *self.shared.released.lock().unwrap() = true;
        self.shared.let_go.notify_all();
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what has arrived, for at most `timeout`; what has arrived then.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        let mut received = self.shared.received.lock().unwrap();
        while !done(&received) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            received = self.shared.changed.wait_timeout(received, left).unwrap().0;
        }
        received.clone()
    }

    /// Waits for at least `count` requests.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let received = self.wait_until(timeout, |r| r.len() >= count);
        assert!(received.len() >= count, "{} of {count} requests arrived: {received:#?}", received.len());
        received
    }
}

/// Reads requests off one connection (a sender may keep it alive for several) and answers them.
fn serve(stream: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let id = headers.iter().find(|(k, _)| k == "webhook-id").map(|(_, v)| v.clone());
        let fail = {
            let mut failing = shared.failing.lock().unwrap();
            let first = failing.0.get_or_insert_with(|| id.clone().unwrap_or_default()).clone();
            let fail = failing.1 > 0 && id.as_deref() == Some(first.as_str());
            if fail {
                failing.1 -= 1;
            }
            fail
        };
        let answer = if fail {
            Answer::Status(500)
        } else {
            shared.script.lock().unwrap().pop_front().unwrap_or(Answer::Status(204))
        };
        shared.received.lock().unwrap().push(Received { headers, body, at: Instant::now() });
        shared.changed.notify_all();
        let response = match answer {
            Answer::Status(status) => format!("HTTP/1.1 {status} Answer\r\ncontent-length: 2\r\n\r\nok"),
            Answer::Redirect(status, location) => {
                format!("HTTP/1.1 {status} Moved\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n")
            }
            Answer::Hold => {
                let mut released = shared.released.lock().unwrap();
                while !*released {
                    released = shared.let_go.wait(released).unwrap();
                }
                return;
            }
        };
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
