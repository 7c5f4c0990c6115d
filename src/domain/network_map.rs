//! Where the network map draws each coop: every node is a disc of its
//! coops (packed as a sunflower, so a disc of any size stays round and
//! evenly filled), this node in the middle and the others on a ring around
//! it, spaced so no two discs touch. Pure arithmetic, so it is tested
//! without a page.

/// What ties two coops on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TieKind {
    /// One follows the other (accepted).
    Follow,
    /// A need of one and an offer of the other match strongly.
    Match,
    /// An introduction between them was accepted.
    Introduction,
}

/// Distance between neighbouring coops in a disc.
const SPACING: f32 = 12.0;
/// Room between discs and around the drawing (for the nodes' names).
const GAP: f32 = 40.0;
/// Half the width a name written above a disc may take (a domain of some
/// 25 characters), so names are not cut at the drawing's sides.
const NAME_HALF_WIDTH: f32 = 90.0;
/// The golden angle: consecutive coops turn by it, filling the disc evenly.
const GOLDEN: f32 = 2.399_963;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Disc {
    pub centre: Point,
    pub radius: f32,
    /// One point per coop, in the order given.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The drawing's size: just what the discs and their names need.
    pub width: f32,
    pub height: f32,
    pub discs: Vec<Disc>,
}

fn radius_of(coops: usize) -> f32 {
    SPACING * (coops.max(1) as f32).sqrt() + SPACING
}

/// The layout of discs of `sizes[i]` coops; the first is this node's.
pub fn layout(sizes: &[usize]) -> Layout {
    let radii: Vec<f32> = sizes.iter().map(|&n| radius_of(n)).collect();
    let first = radii.first().copied().unwrap_or(0.0);
    let others = radii.len().saturating_sub(1);
    let widest_other = radii.iter().skip(1).copied().fold(0.0, f32::max);
    // The ring must clear the middle disc and leave GAP between neighbours
    // (a chord of 2·R·sin(π/m) between adjacent centres).
    let ring = match others {
        0 => 0.0,
        1 => first + widest_other + GAP,
        m => {
            let chord = 2.0 * widest_other + GAP;
            let around = chord / (2.0 * (std::f32::consts::PI / m as f32).sin());
            around.max(first + widest_other + GAP)
        }
    };
    let reach = if others == 0 {
        first
    } else {
        ring + widest_other
    };
    let side = 2.0 * (reach + GAP);
    let middle = side / 2.0;
    let discs = sizes
        .iter()
        .zip(&radii)
        .enumerate()
        .map(|(i, (&n, &radius))| {
            let centre = if i == 0 {
                Point {
                    x: middle,
                    y: middle,
                }
            } else {
                // Starting at the top, clockwise.
                let a = -std::f32::consts::FRAC_PI_2
                    + std::f32::consts::TAU * (i - 1) as f32 / others as f32;
                Point {
                    x: middle + ring * a.cos(),
                    y: middle + ring * a.sin(),
                }
            };
            let points = (0..n)
                .map(|k| {
                    let r = SPACING * (k as f32 + 0.5).sqrt();
                    let a = k as f32 * GOLDEN;
                    Point {
                        x: centre.x + r * a.cos(),
                        y: centre.y + r * a.sin(),
                    }
                })
                .collect();
            Disc {
                centre,
                radius,
                points,
            }
        })
        .collect();
    fit(discs)
}

/// Moves the discs so the drawing starts at its top-left corner, with room
/// for the nodes' names above their discs and a margin around.
fn fit(mut discs: Vec<Disc>) -> Layout {
    if discs.is_empty() {
        return Layout {
            width: 0.0,
            height: 0.0,
            discs,
        };
    }
    let margin = GAP / 2.0;
    let (mut left, mut top, mut right, mut bottom) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for d in &discs {
        let half = d.radius.max(NAME_HALF_WIDTH);
        left = left.min(d.centre.x - half);
        right = right.max(d.centre.x + half);
        top = top.min(d.centre.y - d.radius - GAP / 2.0);
        bottom = bottom.max(d.centre.y + d.radius);
    }
    let (dx, dy) = (margin - left, margin - top);
    for d in &mut discs {
        d.centre.x += dx;
        d.centre.y += dy;
        for p in &mut d.points {
            p.x += dx;
            p.y += dy;
        }
    }
    Layout {
        width: right - left + 2.0 * margin,
        height: bottom - top + 2.0 * margin,
        discs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Point, b: Point) -> f32 {
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    #[test]
    fn discs_never_touch_and_everything_is_inside_the_drawing() {
        for sizes in [
            vec![],
            vec![1],
            vec![3, 1],
            vec![10, 2, 40],
            vec![50; 20],
            vec![400, 1, 1, 1, 1, 300],
        ] {
            let l = layout(&sizes);
            assert_eq!(l.discs.len(), sizes.len());
            for (i, d) in l.discs.iter().enumerate() {
                assert_eq!(d.points.len(), sizes[i]);
                for p in &d.points {
                    assert!(
                        distance(*p, d.centre) <= d.radius,
                        "{sizes:?}: a coop outside its disc"
                    );
                    assert!(p.x >= 0.0 && p.y >= 0.0 && p.x <= l.width && p.y <= l.height);
                }
                assert!(d.centre.x - d.radius >= 0.0 && d.centre.x + d.radius <= l.width);
                let half = d.radius.max(NAME_HALF_WIDTH);
                assert!(
                    d.centre.x - half >= 0.0 && d.centre.x + half <= l.width,
                    "{sizes:?}: a name is cut"
                );
                assert!(d.centre.y + d.radius <= l.height);
                assert!(
                    d.centre.y - d.radius >= GAP / 2.0,
                    "{sizes:?}: no room for the name above"
                );
                for e in &l.discs[i + 1..] {
                    assert!(
                        distance(d.centre, e.centre) >= d.radius + e.radius + GAP * 0.99,
                        "{sizes:?}: two discs touch"
                    );
                }
            }
        }
    }

    #[test]
    fn the_drawing_is_no_bigger_than_its_discs() {
        let one = layout(&[10]);
        let r = radius_of(10);
        // As wide as its name may need, as high as the disc and the name.
        assert!(
            (one.width - (2.0 * NAME_HALF_WIDTH + GAP)).abs() < 0.01,
            "{one:?}"
        );
        assert!((one.height - (2.0 * r + GAP * 1.5)).abs() < 0.01, "{one:?}");
        let two = layout(&[1, 1]);
        assert!(
            two.height > 2.0 * (radius_of(1) * 2.0),
            "one above the other: {two:?}"
        );
        let big = layout(&[2000]);
        assert!(
            (big.width - (2.0 * radius_of(2000) + GAP)).abs() < 0.01,
            "{big:?}"
        );
    }

    #[test]
    fn coops_of_a_disc_keep_their_distance() {
        let l = layout(&[300]);
        let points = &l.discs[0].points;
        for (i, a) in points.iter().enumerate() {
            for b in &points[i + 1..] {
                assert!(
                    distance(*a, *b) > SPACING * 0.45,
                    "two coops drawn on top of each other"
                );
            }
        }
    }
}
