//! Starts the real binary on a free port and talks HTTP/1.1 to it over a
//! plain `TcpStream`: no client crate, only 127.0.0.1.

#![allow(dead_code)] // each test file uses a different part

use queuescope_core::model::Ms;
use queuescope_core::time::format_rfc3339;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `demo-backend`; killed when dropped, also when a test panics.
pub struct Backend {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    addr: String,
}

impl Backend {
    /// Starts the binary with `--port 0` and these arguments, and reads the
    /// URL from the first line of its stdout.
    pub fn start(args: &[&str]) -> Backend {
        let mut child = Command::new(env!("CARGO_BIN_EXE_demo-backend"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo-backend");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let addr = url.trim_start_matches("http://").to_string();
        Backend { child, url, addr }
    }

    /// Sends one request; returns status, headers (lower-case names) and body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut s = self.send(method, path, headers, "");
        s.set_read_timeout(Some(Duration::from_secs(60))).ok();
        read_reply(&mut s).expect("an answer")
    }

    /// Opens a connection and sends one request with `body`; read the
    /// answer with [`read_reply`].
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> TcpStream {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).expect("send");
        s
    }

    /// Sends `body` with `method` and reads the whole answer.
    pub fn call(&self, method: &str, path: &str, body: &str) -> Reply {
        let mut s = self.send(method, path, &[], body);
        s.set_read_timeout(Some(Duration::from_secs(60))).ok();
        read_reply(&mut s).expect("an answer")
    }

    /// Replaces the active faults through the control endpoint.
    pub fn set_faults(&self, specs: &[&str]) -> Reply {
        let body = serde_json::to_string(specs).expect("a list");
        self.call("PUT", "/_control/faults", &body)
    }

    /// The control endpoint's request log.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        match self.get("/_control/requests").json() {
            serde_json::Value::Array(a) => a,
            other => panic!("not a list: {other}"),
        }
    }

    /// Follows `next_cursor` from the jobs URL `base` to the end; returns
    /// every page's body (each checked to be a 200).
    pub fn walk(&self, base: &str) -> Vec<String> {
        self.walk_from(base, None)
    }

    /// [`Backend::walk`] from `cursor` on.
    pub fn walk_from(&self, base: &str, cursor: Option<&str>) -> Vec<String> {
        let mut pages = Vec::new();
        let mut cursor = cursor.map(str::to_string);
        loop {
            let url = match &cursor {
                Some(c) => format!("{base}&cursor={c}"),
                None => base.to_string(),
            };
            let r = self.get(&url);
            assert_eq!(r.status, 200, "{url}: {}", r.body);
            let v = r.json();
            pages.push(r.body);
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
            assert!(pages.len() < 1000, "cursor loop: {url}");
        }
        pages
    }

    /// `GET` without extra headers.
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[])
    }
}

/// The jobs URL of `queue` over [from, to).
pub fn jobs_url(queue: &str, from: Ms, to: Ms) -> String {
    format!(
        "/api/v1/queues/{queue}/jobs?from={}&to={}",
        format_rfc3339(from),
        format_rfc3339(to)
    )
}

/// Runs the binary to its end (e.g. `--help`, or a start that must fail):
/// whether it succeeded, its stdout and its stderr.
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_demo-backend"))
        .args(args)
        .output()
        .expect("run demo-backend");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Reads an answer to the end; `None` when the read times out (set one on
/// the stream first) or the server closes without answering.
pub fn read_reply(s: &mut TcpStream) -> Option<Reply> {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    (!raw.is_empty()).then(|| Reply::parse(&raw))
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body's bytes as sent, when not chunked (`body` is them as text).
    pub bytes: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let bytes = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|at| raw[at + 4..].to_vec())
            .unwrap_or_default();
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            unchunk(body)
        } else {
            body.to_string()
        };
        Reply {
            status,
            headers,
            body,
            bytes,
        }
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
