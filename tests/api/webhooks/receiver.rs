//! A real webhook receiver for the tests: an HTTP server on 127.0.0.1 that
//! records every request and answers from a script (a status and a delay per
//! request, 200 at once when the script is empty).

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub content_type: String,
    pub text: String,
    pub body: Value,
}

impl Received {
    /// Whether one of the space-separated signatures is the HMAC of
    /// `id.timestamp.body` under `secret`.
    pub fn signed_by(&self, secret: &str) -> bool {
        let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.text).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|s| s == expected)
    }

    /// The event type in the body.
    pub fn event_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }
}

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: u16,
    pub delay: Duration,
    pub retry_after: Option<u32>,
}

impl Answer {
    pub fn status(status: u16) -> Self {
        Self { status, delay: Duration::ZERO, retry_after: None }
    }

    pub fn slow(delay: Duration) -> Self {
        Self { status: 200, delay, retry_after: None }
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Answer>>,
    /// Answers for requests whose body mentions a given text, taken first.
    keyed: Mutex<Vec<(String, Answer)>>,
    received: Mutex<Vec<Received>>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    /// Starts one on a free port.
    pub fn start(script: &[Answer]) -> Self {
        Self::on(TcpListener::bind("127.0.0.1:0").unwrap(), script)
    }

    /// Starts one on this listener.
    pub fn on(listener: TcpListener, script: &[Answer]) -> Self {
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let state = Arc::new(State { script: Mutex::new(script.iter().copied().collect()), ..State::default() });
        let shared = web::Data::from(Arc::clone(&state));
        let server = HttpServer::new(move || App::new().app_data(shared.clone()).default_service(web::to(receive)))
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
        // Stops with the test's runtime.
        actix_web::rt::spawn(server);
        Self { url, state }
    }

    /// Answers the first request whose body holds `text` with `answer`.
    pub fn answer_once_for(&self, text: &str, answer: Answer) {
        self.state.keyed.lock().unwrap().push((text.to_owned(), answer));
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Waits until `done` holds for the requests received (up to 30 s).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; received: {received:#?}");
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let text = String::from_utf8_lossy(&body).into_owned();
    let keyed = {
        let mut keyed = state.keyed.lock().unwrap();
        keyed.iter().position(|(t, _)| text.contains(t.as_str())).map(|i| keyed.remove(i).1)
    };
    let answer = keyed.or_else(|| state.script.lock().unwrap().pop_front()).unwrap_or(Answer::status(200));
    if !answer.delay.is_zero() {
        actix_web::rt::time::sleep(answer.delay).await;
    }
    state.received.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        content_type: header("content-type"),
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    });
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(answer.status).unwrap());
    if let Some(secs) = answer.retry_after {
        response.insert_header(("retry-after", secs.to_string()));
    }
    response.finish()
}
