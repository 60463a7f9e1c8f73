//! Light and dark: the `theme` setting (SPEC §4), which scheme it comes to,
//! and the colour maths the theme's design is checked with (CSS colours,
//! WCAG 2 relative luminance and contrast ratio).
//!
//! The colours themselves are design tokens in `style/main.css` (custom
//! properties on `.qs-app`, one set a scheme); the app reads the computed
//! tokens, so a host page that overrides them restyles the charts too.
//! `core/tests/contrast.rs` reads that file and checks every state and
//! group colour against the chart background of both schemes.

use serde::{Deserialize, Serialize};

/// The `theme` setting: the config's (SPEC §4) or the user's own choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark preference (live).
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Every setting, in the order a picker offers them.
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    /// The wire spelling (`auto`, `light`, `dark`).
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads the wire spelling (case and surrounding space ignored).
    pub fn parse(s: &str) -> Option<Theme> {
        let s = s.trim();
        Theme::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// The scheme shown: the user's choice wins over the config's, and
    /// `auto` follows the system (`system_dark`).
    pub fn resolve(user: Option<Theme>, config: Theme, system_dark: bool) -> Scheme {
        match user.unwrap_or(config) {
            Theme::Light => Scheme::Light,
            Theme::Dark => Scheme::Dark,
            Theme::Auto if system_dark => Scheme::Dark,
            Theme::Auto => Scheme::Light,
        }
    }
}

/// The scheme on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Dark text on light surfaces.
    Light,
    /// Light text on dark surfaces.
    Dark,
}

impl Scheme {
    /// The value of `.qs-app`'s `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Reads the CSS colours tokens are written in and browsers compute
    /// them to: `#rgb`, `#rrggbb`, `rgb(r, g, b)` and `rgba(r, g, b, a)`
    /// (alpha ignored; also the space-separated `rgb(r g b / a)`).
    pub fn parse_css(s: &str) -> Option<Rgb> {
        let s = s.trim();
        if let Some(h) = s.strip_prefix('#') {
            let digit = |i: usize| u8::from_str_radix(h.get(i..i + 1)?, 16).ok();
            let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
            return match h.len() {
                3 => Some(Rgb([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
                6 => Some(Rgb([byte(0)?, byte(2)?, byte(4)?])),
                _ => None,
            };
        }
        let inner = s
            .strip_prefix("rgba(")
            .or_else(|| s.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner
            .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
            .filter(|p| !p.is_empty());
        let mut channel = || -> Option<u8> {
            let v = crate::text::number(parts.next()?)?;
            (0.0..=255.0).contains(&v).then_some(v.round() as u8)
        };
        Some(Rgb([channel()?, channel()?, channel()?]))
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG 2 relative luminance (0 black to 1 white).
    pub fn luminance(self) -> f64 {
        let lin = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// WCAG 2 contrast ratio with `other` (1 to 21). Text needs 4.5, the
    /// parts of a chart a user must tell apart 3 (WCAG 1.4.11).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// `self` mixed toward `to`: `keep` (0 to 1) of itself (the runs
    /// outside a brush, washed out toward the chart's background).
    pub fn mix(self, to: Rgb, keep: f64) -> Rgb {
        let k = keep.clamp(0.0, 1.0);
        let m = |a: u8, b: u8| (f64::from(a) * k + f64::from(b) * (1.0 - k)).round() as u8;
        let ([r, g, b], [r2, g2, b2]) = (self.0, to.0);
        Rgb([m(r, r2), m(g, g2), m(b, b2)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_colours_parse() {
        assert_eq!(Rgb::parse_css("#4e79a7"), Some(Rgb([0x4e, 0x79, 0xa7])));
        assert_eq!(Rgb::parse_css(" #fff "), Some(Rgb([255, 255, 255])));
        assert_eq!(Rgb::parse_css("rgb(1, 2, 3)"), Some(Rgb([1, 2, 3])));
        assert_eq!(Rgb::parse_css("rgba(1, 2, 3, 0.5)"), Some(Rgb([1, 2, 3])));
        assert_eq!(Rgb::parse_css("rgb(1 2 3 / 50%)"), Some(Rgb([1, 2, 3])));
        for bad in [
            "",
            "#12",
            "#12345g",
            "rgb(1, 2)",
            "rgb(300, 0, 0)",
            "red",
            "4e79a7",
        ] {
            assert_eq!(Rgb::parse_css(bad), None, "{bad}");
        }
        assert_eq!(Rgb([0x4e, 0x79, 0xa7]).hex(), "#4e79a7");
    }

    #[test]
    fn contrast_is_wcag() {
        let (black, white) = (Rgb([0, 0, 0]), Rgb([255, 255, 255]));
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
        // WebAIM's checker: #767676 on white is 4.54:1.
        let grey = Rgb([0x76, 0x76, 0x76]);
        assert!((grey.contrast(white) - 4.54).abs() < 0.01);
        assert_eq!(grey.contrast(white), white.contrast(grey));
    }

    #[test]
    fn the_users_choice_wins_and_auto_follows_the_system() {
        use Scheme::*;
        assert_eq!(Theme::resolve(None, Theme::Auto, true), Dark);
        assert_eq!(Theme::resolve(None, Theme::Auto, false), Light);
        assert_eq!(Theme::resolve(None, Theme::Dark, false), Dark);
        assert_eq!(Theme::resolve(Some(Theme::Light), Theme::Dark, true), Light);
        assert_eq!(Theme::resolve(Some(Theme::Auto), Theme::Light, true), Dark);
        assert_eq!(Theme::parse(" Dark "), Some(Theme::Dark));
        assert_eq!(Theme::parse("sepia"), None);
    }

    #[test]
    fn mixing_washes_out() {
        let c = Rgb([0, 100, 255]);
        assert_eq!(c.mix(Rgb([255, 255, 255]), 0.3), Rgb([179, 209, 255]));
        assert_eq!(c.mix(Rgb([0, 0, 0]), 1.0), c);
    }
}
