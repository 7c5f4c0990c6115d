//! A coop's default avatar and header until it uploads its own: a
//! symmetric 5×5 pattern in a colour, both drawn from a hash of the
//! coop's handle, as PNG (the raster images Mastodon apps expect).

use sha2::{Digest, Sha256};

/// Avatar side in pixels (Mastodon serves 400; apps scale down).
pub const AVATAR_SIZE: u32 = 400;
const HEADER_WIDTH: u32 = 600;
const HEADER_HEIGHT: u32 = 200;
const CELLS: u32 = 5;

/// The colour and the cells of `seed`'s pattern.
fn pattern(seed: &str) -> ([u8; 3], [[bool; 5]; 5]) {
    let hash = Sha256::digest(seed.as_bytes());
    // A saturated, darker colour: readable white text on it, never grey.
    let hue = f32::from(u16::from_be_bytes([hash[0], hash[1]]) % 360);
    let colour = hsl_to_rgb(hue, 0.55, 0.42);
    let mut cells = [[false; 5]; 5];
    for row in 0..5 {
        for col in 0..3 {
            let on = hash[2 + row * 3 + col] % 2 == 0;
            cells[row][col] = on;
            cells[row][4 - col] = on;
        }
    }
    (colour, cells)
}

fn hsl_to_rgb(h: f32, s: f32, l: f32) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match h as u32 / 60 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [to(r), to(g), to(b)]
}

fn encode(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Writing to a Vec with sizes we chose cannot fail.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(pixels);
        }
    }
    out
}

/// The avatar of `seed` as PNG bytes.
pub fn avatar_png(seed: &str) -> Vec<u8> {
    let (colour, cells) = pattern(seed);
    let background = [240u8, 240, 240];
    let size = AVATAR_SIZE;
    let margin = size / 10;
    let cell = (size - 2 * margin) / CELLS;
    let mut pixels = Vec::with_capacity((size * size * 3) as usize);
    for y in 0..size {
        for x in 0..size {
            let inside = x >= margin
                && y >= margin
                && x < margin + cell * CELLS
                && y < margin + cell * CELLS;
            let on =
                inside && cells[((y - margin) / cell) as usize][((x - margin) / cell) as usize];
            pixels.extend_from_slice(if on { &colour } else { &background });
        }
    }
    encode(size, size, &pixels)
}

/// The header of `seed`: its colour, plain.
pub fn header_png(seed: &str) -> Vec<u8> {
    let (colour, _) = pattern(seed);
    let pixels: Vec<u8> = colour
        .iter()
        .copied()
        .cycle()
        .take((HEADER_WIDTH * HEADER_HEIGHT * 3) as usize)
        .collect();
    encode(HEADER_WIDTH, HEADER_HEIGHT, &pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_are_png_stable_per_seed_and_differ_between_seeds() {
        let a = avatar_png("fiqus");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(a, avatar_png("fiqus"));
        assert_ne!(a, avatar_png("cotech"));
        let decoder = png::Decoder::new(std::io::Cursor::new(a));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width, AVATAR_SIZE);
        let h = header_png("fiqus");
        assert_eq!(&h[..8], b"\x89PNG\r\n\x1a\n");
    }
}
