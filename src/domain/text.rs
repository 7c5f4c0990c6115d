//! Markdown written by coops becomes sanitised HTML once, at write time, so
//! every reader (API, pages, federation) gets the same safe markup.

pub fn markdown_to_safe_html(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(markdown, options);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

/// HTML from another server, cleaned with the same rules before it is
/// stored or shown, and stricter on two points: no images (a remote image
/// is a tracking pixel whenever a page shows it) and links only to web or
/// mail addresses.
pub fn sanitize_html(html: &str) -> String {
    static REMOTE: std::sync::LazyLock<ammonia::Builder<'static>> =
        std::sync::LazyLock::new(|| {
            let mut b = ammonia::Builder::default();
            b.rm_tags(["img"])
                .url_schemes(["http", "https", "mailto"].into_iter().collect());
            b
        });
    REMOTE.clean(html).to_string()
}

/// At most `max` characters of `text` (never splits a character).
pub fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Escapes text for inclusion in HTML (`content`, profile field values).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = markdown_to_safe_html("We **build** [software](https://example.coop).");
        assert!(html.contains("<strong>build</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.coop\""), "{html}");
    }

    #[test]
    fn strips_scripts_and_event_handlers() {
        let html =
            markdown_to_safe_html("hi <script>alert(1)</script><img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        let link = markdown_to_safe_html("[x](javascript:alert(1))");
        assert!(!link.contains("javascript:"), "{link}");
    }

    #[test]
    fn remote_html_loses_images_and_odd_links() {
        let html = sanitize_html(
            "<p>hi<img src=\"https://tracker.example/p.gif\"> \
             <a href=\"ftp://x.org/f\">f</a> <a href=\"https://coop.example\">c</a></p>",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("ftp:"), "{html}");
        assert!(html.contains("href=\"https://coop.example\""), "{html}");
    }
}

/// The words of (sanitised) HTML without its tags or entities, for
/// matching. Tags become spaces so `<p>a</p><p>b</p>` stays two words.
pub fn html_to_text(html: &str) -> String {
    let spaced = html.replace('<', " <");
    ammonia::Builder::empty()
        .clean(&spaced)
        .to_string()
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod html_text_tests {
    use super::html_to_text;

    #[test]
    fn html_becomes_words() {
        assert_eq!(
            html_to_text("<p>Web&nbsp;hosting</p><p>R&amp;D <a href=\"x\">#rust</a></p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["Web", "hosting", "R&D", "#rust"]
        );
    }
}
