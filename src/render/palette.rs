//! Colours: the theme's [`Tokens`] (read from the page's computed custom
//! properties, so a theme or a host page restyles every chart) and one
//! [`Palette`] per set of groups, computed once and read by every panel,
//! so a group has one colour everywhere (its index in the shared, folded
//! groups). Nothing looks a colour up by name.

use queuescope_core::analysis::{Groups, NONE_NAME, OTHER_NAME};
use queuescope_core::theme::Rgb;
use queuescope_core::JobState;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    /// Reads a CSS colour (`#rrggbb`, `#rgb`, `rgb()`: what tokens are
    /// written in and what the browser computes them to).
    pub fn from_css(css: &str) -> Option<Colour> {
        Rgb::parse_css(css).map(|c| Colour(c.0))
    }

    /// `#rrggbb`, for CSS.
    pub fn css(self) -> String {
        Rgb(self.0).hex()
    }

    /// Opaque RGBA, for rasters.
    pub fn rgba(self) -> [u8; 4] {
        let [r, g, b] = self.0;
        [r, g, b, 255]
    }

    /// Washed out toward `background` (30 % colour), for runs outside
    /// the brush.
    pub fn faded(self, background: Colour) -> [u8; 4] {
        Colour(Rgb(self.0).mix(Rgb(background.0), 0.3).0).rgba()
    }
}

/// How many group colours a theme has; group `i` takes colour `i % N`.
pub const GROUP_COLOURS: usize = 11;

/// What Plotly's frame is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameColours {
    /// Tick labels and titles.
    pub text: Colour,
    /// Axis lines.
    pub axis: Colour,
    /// Grid lines.
    pub grid: Colour,
    /// Mode bar icons.
    pub modebar: Colour,
    /// The mode bar's active icon.
    pub modebar_active: Colour,
}

/// The theme's colours for charts, as the page computes its tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tokens {
    /// The chart background (`--qs-surface`); faded marks wash toward it.
    pub surface: Colour,
    /// Plotly's frame.
    pub frame: FrameColours,
    /// Group colours (`--qs-group-0` …).
    pub groups: [Colour; GROUP_COLOURS],
    /// `(other)`, `(none)` and anything without a group.
    pub other: Colour,
    /// The known states' colours, in [`JobState::KNOWN`] order.
    pub states: [Colour; 9],
    /// Unknown states.
    pub state_other: Colour,
    /// The heat map's ends: no one waiting, the most waiting.
    pub heat: (Colour, Colour),
}

/// A state's name in its colour's token and class: a known state's own
/// (`queued`), `other` for every unknown one.
fn state_key(s: &JobState) -> &str {
    match s {
        JobState::Other(_) => "other",
        known => known.as_str(),
    }
}

/// The custom property of a known state's colour (`--qs-state-queued`),
/// or of the unknown states' (`--qs-state-other`).
pub fn state_token(s: &JobState) -> String {
    format!("--qs-state-{}", state_key(s))
}

/// The class that gives an element its state's colour as
/// `--qs-state-color` (`qs-dot-queued`, `qs-dot-other`; the stylesheet has
/// one rule per token): a class, not an inline style, so rows of one state
/// share their computed style.
pub fn state_class(s: &JobState) -> String {
    format!("qs-dot-{}", state_key(s))
}

impl Tokens {
    /// What is drawn before the page's tokens are read (and for a token
    /// that cannot be read): dark grey on white, every mark grey.
    pub fn fallback() -> Tokens {
        let grey = Colour([0x85, 0x8d, 0x94]);
        let text = Colour([0x2b, 0x2f, 0x36]);
        Tokens {
            surface: Colour([255, 255, 255]),
            frame: FrameColours {
                text,
                axis: grey,
                grid: Colour([0xec, 0xef, 0xf3]),
                modebar: grey,
                modebar_active: text,
            },
            groups: [grey; GROUP_COLOURS],
            other: grey,
            states: [grey; 9],
            state_other: grey,
            heat: (Colour([255, 255, 255]), text),
        }
    }

    /// Reads every token through `get` (custom property name to its
    /// computed colour); one it cannot read keeps its fallback.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Tokens {
        let f = Tokens::fallback();
        let c = |name: &str, or: Colour| get(name).and_then(|v| Colour::from_css(&v)).unwrap_or(or);
        let mut groups = f.groups;
        for (i, g) in groups.iter_mut().enumerate() {
            *g = c(&format!("--qs-group-{i}"), *g);
        }
        let mut states = f.states;
        for (s, slot) in JobState::KNOWN.iter().zip(states.iter_mut()) {
            *slot = c(&state_token(s), *slot);
        }
        Tokens {
            surface: c("--qs-surface", f.surface),
            frame: FrameColours {
                text: c("--qs-chart-text", f.frame.text),
                axis: c("--qs-axis", f.frame.axis),
                grid: c("--qs-grid", f.frame.grid),
                modebar: c("--qs-modebar", f.frame.modebar),
                modebar_active: c("--qs-modebar-active", f.frame.modebar_active),
            },
            groups,
            other: c("--qs-group-other", f.other),
            states,
            state_other: c("--qs-state-other", f.state_other),
            heat: (c("--qs-heat-low", f.heat.0), c("--qs-heat-high", f.heat.1)),
        }
    }

    /// Every custom property [`Tokens::read`] asks for.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = [
            "--qs-surface",
            "--qs-chart-text",
            "--qs-axis",
            "--qs-grid",
            "--qs-modebar",
            "--qs-modebar-active",
            "--qs-group-other",
            "--qs-state-other",
            "--qs-heat-low",
            "--qs-heat-high",
        ]
        .map(String::from)
        .into();
        names.extend((0..GROUP_COLOURS).map(|i| format!("--qs-group-{i}")));
        names.extend(JobState::KNOWN.iter().map(state_token));
        names
    }

    /// The colour of a state.
    pub fn state(&self, s: &JobState) -> Colour {
        JobState::KNOWN
            .iter()
            .position(|k| k == s)
            .map_or(self.state_other, |i| self.states[i])
    }
}

/// The colour of each group of one [`Groups`], by group id, and the
/// background faded marks wash toward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    colours: Vec<Colour>,
    other: Colour,
    /// The chart background.
    pub surface: Colour,
}

impl Default for Palette {
    fn default() -> Self {
        Palette::of(&Groups::default(), &Tokens::fallback())
    }
}

impl Palette {
    /// Colours in group order from the theme's; `(other)` and `(none)`
    /// take its neutral colour.
    pub fn of(groups: &Groups, tokens: &Tokens) -> Palette {
        let colours = groups
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if name == OTHER_NAME || name == NONE_NAME {
                    tokens.other
                } else {
                    tokens.groups[i % GROUP_COLOURS]
                }
            })
            .collect();
        Palette {
            colours,
            other: tokens.other,
            surface: tokens.surface,
        }
    }

    /// The colour of group `id` (the neutral one for an id the groups lack).
    pub fn colour(&self, id: usize) -> Colour {
        self.colours.get(id).copied().unwrap_or(self.other)
    }

    /// How many groups have a colour of their own: [`Palette::colour`]
    /// of this id and above is the `(other)` colour.
    pub fn own_colours(&self) -> usize {
        self.colours.len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Tokens with distinct, recognisable colours: group `i` is
    /// `[10 + i, 0, 0]`, state `i` is `[0, 10 + i, 0]`.
    pub(crate) fn test_tokens() -> Tokens {
        let lookup = |name: &str| -> Option<String> {
            if let Some(i) = name
                .strip_prefix("--qs-group-")
                .and_then(|i| i.parse::<u8>().ok())
            {
                return Some(format!("rgb({}, 0, 0)", 10 + i));
            }
            let i = JobState::KNOWN
                .iter()
                .position(|s| state_token(s) == name)?;
            Some(format!("rgb(0, {}, 0)", 10 + i))
        };
        Tokens::read(|n| match n {
            "--qs-group-other" | "--qs-state-other" => Some("#a0a4ab".into()),
            "--qs-surface" => Some("#ffffff".into()),
            other => lookup(other),
        })
    }

    /// Each state's class sets `--qs-state-color` to that state's token in
    /// the stylesheet (a state whose rule is missing would show the
    /// unknown states' grey dot in the selection table).
    #[test]
    fn every_state_class_has_its_rule() {
        let css = include_str!("../../style/main.css");
        let other = JobState::parse("held-by-admin");
        for s in JobState::KNOWN.iter().chain([&other]) {
            let rule = format!(
                ".{} {{ --qs-state-color: var({}); }}",
                state_class(s),
                state_token(s)
            );
            assert!(css.contains(&rule), "missing: {rule}");
        }
        assert_eq!(state_class(&other), "qs-dot-other");
        assert_eq!(state_class(&JobState::Running), "qs-dot-running");
    }

    #[test]
    fn group_colours_are_stable_and_other_is_neutral() {
        let names = [
            "alice", "(none)", "bob", "c", "d", "e", "f", "g", "h", "i", "j", "k",
        ];
        let groups = Groups {
            names: names.iter().map(|s| s.to_string()).collect(),
            of_job: Vec::new(),
        };
        let t = test_tokens();
        let p = Palette::of(&groups, &t);
        assert_eq!(p.colour(0), Colour([10, 0, 0]));
        assert_eq!(p.colour(1).css(), "#a0a4ab");
        assert_eq!(p.colour(2), Colour([12, 0, 0]));
        assert_eq!(p.colour(11), Colour([10, 0, 0]));
        assert_eq!(p.colour(99).css(), "#a0a4ab");
        let other = Groups {
            names: vec!["(other)".into()],
            of_job: Vec::new(),
        };
        assert_eq!(Palette::of(&other, &t).colour(0).css(), "#a0a4ab");
    }

    #[test]
    fn tokens_read_what_the_page_computes_and_keep_fallbacks() {
        let t = test_tokens();
        assert_eq!(t.state(&JobState::Queued), Colour([0, 11, 0]));
        assert_eq!(t.state(&JobState::Other("held".into())).css(), "#a0a4ab");
        // An unreadable token keeps its fallback.
        let f = Tokens::read(|n| (n == "--qs-surface").then(|| "hsl(0 0% 0%)".into()));
        assert_eq!(f, Tokens::fallback());
        assert_eq!(Tokens::names().len(), 10 + GROUP_COLOURS + 9);
    }

    #[test]
    fn colours_write_css_and_fade_toward_the_background() {
        assert_eq!(Colour([0x4e, 0x79, 0xa7]).css(), "#4e79a7");
        assert_eq!(
            Colour::from_css("#4e79a7"),
            Some(Colour([0x4e, 0x79, 0xa7]))
        );
        assert_eq!(
            Colour::from_css("rgb(78, 121, 167)"),
            Some(Colour([0x4e, 0x79, 0xa7]))
        );
        assert_eq!(Colour::from_css("4e79a7"), None);
        // 30 % colour, 70 % background.
        let white = Colour([255, 255, 255]);
        assert_eq!(Colour([0, 100, 255]).faded(white), [179, 209, 255, 255]);
        assert_eq!(
            Colour([0, 100, 255]).faded(Colour([0, 0, 0])),
            [0, 30, 77, 255]
        );
    }
}
