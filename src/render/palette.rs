//! Group colours: one [`Palette`] per set of groups, computed once and read
//! by every panel, so a group has one colour everywhere (its index in the
//! shared, folded groups). Nothing looks a colour up by name.

use queuescope_core::analysis::{Groups, NONE_NAME, OTHER_NAME};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    /// Reads `#rrggbb` (the states' fixed colours).
    pub fn from_hex(hex: &str) -> Option<Colour> {
        let h = hex.strip_prefix('#').filter(|h| h.len() == 6)?;
        let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        Some(Colour([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `#rrggbb`, for CSS.
    pub fn css(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Opaque RGBA, for rasters.
    pub fn rgba(self) -> [u8; 4] {
        let [r, g, b] = self.0;
        [r, g, b, 255]
    }

    /// Washed out toward white (30 % colour, 70 % white), for runs outside
    /// the brush.
    pub fn faded(self) -> [u8; 4] {
        let f = |v: u8| ((u16::from(v) * 30 + 255 * 70) / 100) as u8;
        let [r, g, b] = self.0;
        [f(r), f(g), f(b), 255]
    }
}

/// Colours for groups, in group order.
pub const GROUP_COLOURS: [Colour; 11] = [
    Colour([0x4e, 0x79, 0xa7]),
    Colour([0xf2, 0x8e, 0x2b]),
    Colour([0x59, 0xa1, 0x4f]),
    Colour([0xe1, 0x57, 0x59]),
    Colour([0x76, 0xb7, 0xb2]),
    Colour([0xed, 0xc9, 0x48]),
    Colour([0xb0, 0x7a, 0xa1]),
    Colour([0xff, 0x9d, 0xa7]),
    Colour([0x9c, 0x75, 0x5f]),
    Colour([0x5b, 0x8f, 0xf9]),
    Colour([0x61, 0xdd, 0xaa]),
];

/// The colour of the folded `(other)` group, of `(none)`, and of anything
/// that has no group.
pub const OTHER_COLOUR: Colour = Colour([0xa0, 0xa4, 0xab]);

/// The colour of each group of one [`Groups`], by group id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Palette {
    colours: Vec<Colour>,
}

impl Palette {
    /// Colours in group order; `(other)` and `(none)` are grey.
    pub fn of(groups: &Groups) -> Palette {
        let colours = groups
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if name == OTHER_NAME || name == NONE_NAME {
                    OTHER_COLOUR
                } else {
                    GROUP_COLOURS[i % GROUP_COLOURS.len()]
                }
            })
            .collect();
        Palette { colours }
    }

    /// The colour of group `id` (grey for an id the groups lack).
    pub fn colour(&self, id: usize) -> Colour {
        self.colours.get(id).copied().unwrap_or(OTHER_COLOUR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_colours_are_stable_and_other_is_grey() {
        let names = [
            "alice", "(none)", "bob", "c", "d", "e", "f", "g", "h", "i", "j", "k",
        ];
        let groups = Groups {
            names: names.iter().map(|s| s.to_string()).collect(),
            of_job: Vec::new(),
        };
        let p = Palette::of(&groups);
        assert_eq!(p.colour(0), GROUP_COLOURS[0]);
        assert_eq!(p.colour(1), OTHER_COLOUR);
        assert_eq!(p.colour(2), GROUP_COLOURS[2]);
        assert_eq!(p.colour(11), GROUP_COLOURS[0]);
        assert_eq!(p.colour(99), OTHER_COLOUR);
        let other = Groups {
            names: vec!["(other)".into()],
            of_job: Vec::new(),
        };
        assert_eq!(Palette::of(&other).colour(0), OTHER_COLOUR);
    }

    #[test]
    fn colours_write_css_and_fade() {
        assert_eq!(GROUP_COLOURS[0].css(), "#4e79a7");
        assert_eq!(Colour::from_hex("#4e79a7"), Some(GROUP_COLOURS[0]));
        assert_eq!(Colour::from_hex("4e79a7"), None);
        assert_eq!(Colour::from_hex("#4e79zz"), None);
        assert_eq!(GROUP_COLOURS[0].rgba(), [0x4e, 0x79, 0xa7, 255]);
        // 30 % colour, 70 % white.
        assert_eq!(Colour([0, 100, 255]).faded(), [178, 208, 255, 255]);
    }
}
