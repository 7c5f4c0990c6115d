//! Avatars and headers a coop uploads from an app: checked, cut to size and
//! re-encoded, so what is served is an image of ours (no metadata such as
//! an EXIF location, nothing but pixels), whatever was sent.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::validate::ValidationError;

/// Bytes an upload may have.
pub const UPLOAD_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Pixels on a side an upload may have (decoding a larger one would be a
/// way to exhaust memory with a small file).
const SIDE_MAX: u32 = 4_096;

/// A coop's uploaded picture: its format and when it changed (in its URL,
/// so apps and servers that cache it fetch the new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureVersion {
    pub content_type: String,
    pub updated_at: chrono::NaiveDateTime,
}

/// A coop's uploaded avatar and header; `None` shows the generated one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoopPictures {
    pub avatar: Option<PictureVersion>,
    pub header: Option<PictureVersion>,
}

impl CoopPictures {
    pub fn get(&self, picture: Picture) -> Option<&PictureVersion> {
        match picture {
            Picture::Avatar => self.avatar.as_ref(),
            Picture::Header => self.header.as_ref(),
        }
    }
}

/// Which picture of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Avatar,
    Header,
}

impl Picture {
    pub fn as_str(self) -> &'static str {
        match self {
            Picture::Avatar => "avatar",
            Picture::Header => "header",
        }
    }

    /// The size served: Mastodon's 400 × 400 avatars and 1500 × 500 headers.
    fn size(self) -> (u32, u32) {
        match self {
            Picture::Avatar => (400, 400),
            Picture::Header => (1500, 500),
        }
    }
}

/// An image ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn refuse(picture: Picture, why: impl Into<String>) -> ValidationError {
    ValidationError::new(picture.as_str(), why)
}

/// Decodes a PNG, JPEG, GIF or WebP upload, fills the picture's size
/// (cropping the rest, centred) and encodes it again: PNG when it has
/// transparency, JPEG otherwise.
pub fn process(picture: Picture, upload: &[u8]) -> Result<Processed, ValidationError> {
    if upload.len() > UPLOAD_MAX_BYTES {
        return Err(refuse(
            picture,
            format!("must be at most {} MiB", UPLOAD_MAX_BYTES / (1024 * 1024)),
        ));
    }
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| refuse(picture, "cannot be read"))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP) => {}
        _ => return Err(refuse(picture, "must be a PNG, JPEG, GIF or WebP image")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(SIDE_MAX);
    limits.max_image_height = Some(SIDE_MAX);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => refuse(
            picture,
            format!("must be at most {SIDE_MAX} pixels on a side"),
        ),
        _ => refuse(picture, "is not a valid image"),
    })?;
    let (w, h) = picture.size();
    let fitted = decoded.resize_to_fill(w, h, image::imageops::FilterType::Triangle);
    let mut out = Cursor::new(Vec::new());
    let content_type = if fitted.color().has_alpha() {
        DynamicImage::ImageRgba8(fitted.to_rgba8())
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| refuse(picture, "cannot be encoded"))?;
        "image/png"
    } else {
        let rgb = DynamicImage::ImageRgb8(fitted.to_rgb8());
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        encoder
            .encode_image(&rgb)
            .map_err(|_| refuse(picture, "cannot be encoded"))?;
        "image/jpeg"
    };
    Ok(Processed {
        content_type,
        bytes: out.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
        let img = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                w,
                h,
                image::Rgba([10, 20, 30, 128]),
            ))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([10, 20, 30])))
        };
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn uploads_are_cut_to_size_and_encoded_again() {
        let avatar = process(Picture::Avatar, &png(800, 600, false)).unwrap();
        assert_eq!(avatar.content_type, "image/jpeg");
        let back = image::load_from_memory(&avatar.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (400, 400));
        let header = process(Picture::Header, &png(300, 300, true)).unwrap();
        assert_eq!(header.content_type, "image/png");
        let back = image::load_from_memory(&header.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (1500, 500));
    }

    #[test]
    fn what_is_not_an_image_of_a_taken_kind_and_size_is_refused() {
        assert!(process(Picture::Avatar, b"not an image at all").is_err());
        assert!(process(
            Picture::Avatar,
            b"<svg xmlns='http://www.w3.org/2000/svg'/>"
        )
        .is_err());
        let mut truncated = png(50, 50, false);
        truncated.truncate(truncated.len() / 2);
        assert!(process(Picture::Avatar, &truncated).is_err());
        assert!(process(Picture::Avatar, &png(SIDE_MAX + 1, 1, false)).is_err());
        assert!(process(Picture::Header, &vec![0u8; UPLOAD_MAX_BYTES + 1]).is_err());
    }
}
