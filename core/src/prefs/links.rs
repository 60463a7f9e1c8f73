//! External links per queue: a link is validated once (trimmed label,
//! http(s) URL with a host) and kept in the user's order.

use super::*;

/// An external link shown in a queue's *External links* section. Built only
/// by [`validate_link`], so its label is trimmed and its URL is http(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// What the user reads, 1 to 60 characters.
    pub label: String,
    /// An absolute `http` or `https` URL.
    pub url: String,
}

/// Why a link cannot be added or changed; `Display` is a message the user
/// can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Another scheme (`javascript:`, `data:`, `ftp:` ...): refused, since a
    /// link is put in an `href`.
    #[error("only http:// and https:// links are allowed")]
    BadScheme,
    /// Not an absolute web address.
    #[error("this is not a complete web address; write it in full, like https://grafana.example.com/d/queue")]
    BadUrl,
    /// Label empty or too long after trimming.
    #[error("the label must be 1 to 60 characters long")]
    LabelLength,
    /// The queue already has [`MAX_LINKS_PER_QUEUE`] links.
    #[error("a queue holds at most 50 links; remove one before adding another")]
    TooMany,
    /// An index that no longer exists (the list changed in another tab).
    #[error("that link no longer exists; reload the list")]
    NoSuchLink,
}

/// Checks and normalises a link as typed: both parts are trimmed, the label
/// must be 1 to 60 characters, the URL absolute http(s) with a host.
pub fn validate_link(label: &str, url: &str) -> Result<Link, LinkError> {
    let label = label.trim();
    if !(1..=MAX_LABEL_CHARS).contains(&label.chars().count()) {
        return Err(LinkError::LabelLength);
    }
    let url = url.trim();
    check_url(url)?;
    Ok(Link {
        label: label.to_string(),
        url: url.to_string(),
    })
}

/// The URL rules of [`validate_link`]. Hand-written rather than a URL crate:
/// only the scheme and the presence of a host matter here, and the browser
/// parses the rest when the link is followed.
pub(super) fn check_url(url: &str) -> Result<(), LinkError> {
    let (scheme, rest) = url.split_once(':').ok_or(LinkError::BadUrl)?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !is_scheme {
        return Err(LinkError::BadUrl);
    }
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(LinkError::BadScheme);
    }
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LinkError::BadUrl);
    }
    let rest = rest.strip_prefix("//").ok_or(LinkError::BadUrl)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or(LinkError::BadUrl)?;
            let ok = !addr.is_empty()
                && addr
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || ":.".contains(c));
            (
                ok,
                after.strip_prefix(':').or(after.is_empty().then_some("")),
            )
        }
        None => {
            let (host, port) = host_port.split_once(':').unwrap_or((host_port, ""));
            let ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-._~%".contains(c));
            (ok, Some(port))
        }
    };
    let port_ok = port.is_some_and(|p| p.is_empty() || p.parse::<u16>().is_ok());
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(LinkError::BadUrl)
    }
}

/// Every queue's external links, in the user's order. Serialised as is under
/// [`LINKS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStore {
    /// Schema version, [`LinkStore::VERSION`] once loaded.
    pub version: u32,
    /// Queue id to its links; a queue without links has no entry.
    pub per_queue: BTreeMap<String, Vec<Link>>,
}

impl Default for LinkStore {
    fn default() -> Self {
        LinkStore {
            version: Self::VERSION,
            per_queue: BTreeMap::new(),
        }
    }
}

impl LinkStore {
    /// The schema this code writes. Version 0 was a flat JSON array of
    /// `{queue, label, url}`; it is migrated on load.
    pub const VERSION: u32 = 1;

    /// The links of one queue, in display order.
    pub fn links(&self, queue: &str) -> &[Link] {
        self.per_queue.get(queue).map_or(&[], Vec::as_slice)
    }

    /// The queue's list, checked to have an entry at `index`.
    pub(super) fn slot(&mut self, queue: &str, index: usize) -> Result<&mut Vec<Link>, LinkError> {
        match self.per_queue.get_mut(queue) {
            Some(list) if index < list.len() => Ok(list),
            _ => Err(LinkError::NoSuchLink),
        }
    }

    /// Appends a link to a queue after validating it.
    pub fn add(&mut self, queue: &str, label: &str, url: &str) -> Result<(), LinkError> {
        let link = validate_link(label, url)?;
        let list = self.per_queue.entry(queue.to_string()).or_default();
        if list.len() >= MAX_LINKS_PER_QUEUE {
            return Err(LinkError::TooMany);
        }
        list.push(link);
        Ok(())
    }

    /// Replaces the link at `index` after validating the new values.
    pub fn edit(
        &mut self,
        queue: &str,
        index: usize,
        label: &str,
        url: &str,
    ) -> Result<(), LinkError> {
        let link = validate_link(label, url)?;
        let slot = self
            .per_queue
            .get_mut(queue)
            .and_then(|list| list.get_mut(index))
            .ok_or(LinkError::NoSuchLink)?;
        *slot = link;
        Ok(())
    }

    /// Moves the link at `index` one place up; the first link stays put.
    pub fn move_up(&mut self, queue: &str, index: usize) -> Result<(), LinkError> {
        let list = self.slot(queue, index)?;
        if index > 0 {
            list.swap(index - 1, index);
        }
        Ok(())
    }

    /// Moves the link at `index` one place down; the last link stays put.
    pub fn move_down(&mut self, queue: &str, index: usize) -> Result<(), LinkError> {
        let list = self.slot(queue, index)?;
        if index + 1 < list.len() {
            list.swap(index, index + 1);
        }
        Ok(())
    }

    /// Removes and returns the link at `index`; a queue left without links
    /// loses its entry, so storage holds no empty lists.
    pub fn remove(&mut self, queue: &str, index: usize) -> Result<Link, LinkError> {
        let list = self.slot(queue, index)?;
        let link = list.remove(index);
        if list.is_empty() {
            self.per_queue.remove(queue);
        }
        Ok(link)
    }
}

/// Version 0 of the links: a flat JSON array, one entry per link.
#[derive(Deserialize)]
pub(super) struct LinkV0 {
    pub(super) queue: String,
    pub(super) label: String,
    pub(super) url: String,
}

impl Stored for LinkStore {
    const STORE: Store = Store::Links;
    const CURRENT: u32 = LinkStore::VERSION;

    fn migrate(json: &str) -> Option<Self> {
        let flat: Vec<LinkV0> = serde_json::from_str(json).ok()?;
        let mut store = LinkStore::default();
        for link in flat {
            store.per_queue.entry(link.queue).or_default().push(Link {
                label: link.label,
                url: link.url,
            });
        }
        Some(store)
    }

    fn sanitize(self) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut clean = LinkStore::default();
        for (queue, links) in self.per_queue {
            let mut kept: Vec<Link> = Vec::new();
            for (i, link) in links.into_iter().enumerate() {
                match validate_link(&link.label, &link.url) {
                    Ok(link) => kept.push(link),
                    Err(error) => problems.push(Problem::Link {
                        queue: queue.clone(),
                        index: i + 1,
                        label: link.label,
                        error,
                    }),
                }
            }
            if kept.len() > MAX_LINKS_PER_QUEUE {
                problems.push(Problem::TooManyLinks {
                    queue: queue.clone(),
                    count: kept.len(),
                });
                kept.truncate(MAX_LINKS_PER_QUEUE);
            }
            if !kept.is_empty() {
                clean.per_queue.insert(queue, kept);
            }
        }
        (clean, problems)
    }
}
