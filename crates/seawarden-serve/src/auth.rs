//! API tokens with roles.
//!
//! `viewer` may read (every GET), `analyst` may also acknowledge and comment
//! on alerts and run investigations, `admin` may also change
//! infrastructure, zones and watchlists. A request names its token as
//! `Authorization: Bearer SECRET` (or `?token=SECRET`, for WebSockets,
//! which browsers cannot give headers). With no tokens configured every
//! request is let in as admin, which `start` allows only on a loopback
//! address unless told `--insecure`.

use anyhow::{bail, Context, Result};

/// What a token may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read everything.
    Viewer,
    /// Acknowledge, comment, investigate.
    Analyst,
    /// Change infrastructure, zones and watchlists.
    Admin,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Parses `viewer`, `analyst` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An API token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// Who holds it (shown as the author of acknowledgements and comments).
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// The secret sent as the bearer token.
    pub secret: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({}:{}:***)", self.name, self.role.as_str())
    }
}

impl Token {
    /// Parses `NAME:ROLE:SECRET`.
    pub fn parse(s: &str) -> Result<Token> {
        let mut it = s.splitn(3, ':');
        let (Some(name), Some(role), Some(secret)) = (it.next(), it.next(), it.next()) else {
            bail!("token {:?}: expected NAME:ROLE:SECRET", redact(s))
        };
        let Some(role) = Role::parse(role) else {
            bail!("token {name:?}: unknown role {role:?} (viewer, analyst or admin)")
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
        {
            bail!("token {name:?}: the name must be letters, digits, '-', '_', '.' or '@'");
        }
        if secret.len() < 16 || secret.bytes().any(|b| !b.is_ascii_graphic()) {
            bail!("token {name:?}: the secret must be at least 16 printable characters without spaces");
        }
        Ok(Token {
            name: name.to_string(),
            role,
            secret: secret.to_string(),
        })
    }

    /// Reads a tokens file: one `NAME:ROLE:SECRET` a line; `#` starts a comment.
    pub fn load_file(path: &str) -> Result<Vec<Token>> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
        let mut v = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            v.push(Token::parse(line).with_context(|| format!("{path}, line {}", i + 1))?);
        }
        Ok(v)
    }
}

fn redact(s: &str) -> String {
    s.split(':').take(2).collect::<Vec<_>>().join(":") + ":***"
}

/// Who made a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's name (`anonymous` when the API is open).
    pub name: String,
    /// Its role.
    pub role: Role,
}

/// The configured tokens.
pub(crate) struct Auth {
    tokens: Vec<Token>,
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Auth {
    pub fn new(tokens: Vec<Token>) -> Auth {
        Auth { tokens }
    }

    /// The caller presenting `secret`; `None` if unknown. With no tokens
    /// configured, everyone is an anonymous admin.
    pub fn identify(&self, secret: Option<&str>) -> Option<Caller> {
        if self.tokens.is_empty() {
            return Some(Caller {
                name: "anonymous".into(),
                role: Role::Admin,
            });
        }
        let secret = secret?;
        let mut found = None;
        for t in &self.tokens {
            if same(t.secret.as_bytes(), secret.as_bytes()) {
                found = Some(Caller {
                    name: t.name.clone(),
                    role: t.role,
                });
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_and_identify() {
        let t = Token::parse("ana:analyst:0123456789abcdef").unwrap();
        assert_eq!(t.role, Role::Analyst);
        assert!(Token::parse("ana:boss:0123456789abcdef").is_err());
        assert!(Token::parse("ana:viewer:short").is_err());
        assert!(Token::parse("ana:viewer").is_err());
        assert!(!format!("{t:?}").contains("0123"));
        let auth = Auth::new(vec![t]);
        assert_eq!(auth.identify(Some("0123456789abcdef")).unwrap().name, "ana");
        assert!(auth.identify(Some("0123456789abcdeX")).is_none());
        assert!(auth.identify(None).is_none());
        assert_eq!(Auth::new(vec![]).identify(None).unwrap().role, Role::Admin);
        assert!(Role::Admin > Role::Analyst && Role::Analyst > Role::Viewer);
    }
}
