//! The words of the pages, from Fluent catalogues (`locales/{en,es}/*.ftl`:
//! `web.ftl` for the web face's public pages, `workspace.ftl` for a coop's
//! workspace, `admin.ftl` for the admin desk, `oauth.ftl` for the Mastodon apps' sign-in;
//! the format translators know), compiled into the binary. Templates ask a
//! [`Tr`] for each text by its key.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use super::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: pages set `dir`
        // and `lang` where text of another language sits.
        customise: |bundle| {
            bundle.set_use_isolating(false);
            // Numbers in messages are grouped as each language writes them.
            let spanish = bundle.locales.first().is_some_and(|l| l.language.as_str() == "es");
            bundle.set_formatter(Some(if spanish { grouped_es } else { grouped_en }));
        },
    };
}

fn grouped_en<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    whole(value).map(|n| group(n, Lang::En))
}

fn grouped_es<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    whole(value).map(|n| group(n, Lang::Es))
}

/// A whole number among Fluent's values (others keep Fluent's own format).
fn whole(value: &FluentValue<'_>) -> Option<i64> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
            Some(n.value as i64)
        }
        _ => None,
    }
}

/// `n` with its thousands grouped: "12,345" in English; "12.345" in
/// Spanish, where four digits stay together ("1000", as CLDR has it).
fn group(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let (separator, from) = match lang {
        Lang::En => (',', 4),
        Lang::Es => ('.', 5),
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    if digits.len() < from {
        out.push_str(&digits);
        return out;
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// The texts of one language, for a template.
#[derive(Debug, Clone)]
pub struct Tr {
    pub lang: Lang,
    id: LanguageIdentifier,
    /// The time zone the reader reads times in, when known.
    pub zone: Option<chrono_tz::Tz>,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        let id = lang
            .code()
            .parse()
            .unwrap_or_else(|_| LanguageIdentifier::default());
        Tr {
            lang,
            id,
            zone: None,
        }
    }

    /// The same texts, for a reader in `zone` (when known).
    pub fn with_zone(mut self, zone: Option<chrono_tz::Tz>) -> Tr {
        self.zone = zone;
        self
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.id, key)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.with(key, &[(name, FluentValue::from(value.to_string()))])
    }

    /// The text of `key` with several arguments.
    pub fn args<const N: usize>(&self, key: &str, args: &[(&'static str, &str); N]) -> String {
        let args: Vec<(&'static str, FluentValue<'static>)> = args
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.to_string())))
            .collect();
        self.with(key, &args)
    }

    /// The text of `key` chosen by a count (Fluent's plural rules).
    /// (Templates may hand the count over by reference.)
    pub fn count(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.with(key, &[("count", FluentValue::from(*count.borrow()))])
    }

    fn with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(&self.id, key, &args)
    }

    /// The text of `key` with arguments of any Fluent kind.
    pub fn values(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        self.with(key, args)
    }

    /// A whole number as this language writes it ("12,345", "12.345").
    pub fn number(&self, n: impl std::borrow::Borrow<i64>) -> String {
        group(*n.borrow(), self.lang)
    }

    /// Items joined as this language joins a list: "a, b and c".
    pub fn list(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => {
                let mut and = self.t("list-and");
                // Spanish "y" becomes "e" before an /i/ sound: "español e inglés".
                let lower = last.to_lowercase();
                let i_sound = (lower.starts_with('i') || lower.starts_with("hi"))
                    && !lower.starts_with("hie");
                if and == "y" && i_sound {
                    and = "e".into();
                }
                format!("{} {and} {last}", rest.join(", "))
            }
        }
    }

    /// A day as people of this language write it.
    pub fn date(&self, at: NaiveDateTime) -> String {
        let month = self.t(&format!("month-{}", at.month()));
        self.with(
            "date",
            &[
                ("month", FluentValue::from(month)),
                ("day", FluentValue::from(at.day().to_string())),
                ("year", FluentValue::from(at.year().to_string())),
            ],
        )
    }

    /// A day and the time of day (UTC, to the minute).
    pub fn date_time(&self, at: NaiveDateTime) -> String {
        self.day_and_time("date-time", at)
    }

    /// A day and the time of day on a wall clock whose zone the page names
    /// beside it.
    pub fn wall_clock(&self, at: NaiveDateTime) -> String {
        self.day_and_time("date-time-wall", at)
    }

    fn day_and_time(&self, key: &str, at: NaiveDateTime) -> String {
        self.with(
            key,
            &[
                ("date", FluentValue::from(self.date(at))),
                ("time", FluentValue::from(at.format("%H:%M").to_string())),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_groups_them() {
        let (en, es) = (Tr::new(Lang::En), Tr::new(Lang::Es));
        assert_eq!(en.number(999), "999");
        assert_eq!(en.number(1000), "1,000");
        assert_eq!(en.number(-1234567), "-1,234,567");
        assert_eq!(es.number(1000), "1000");
        assert_eq!(es.number(12345), "12.345");
        // Inside messages too, with plurals still chosen by the number.
        assert_eq!(en.count("stat-coops", 12345), "coops here");
        assert!(en
            .values("ws-matches-total", &[("count", FluentValue::from(12345))])
            .contains("12,345"));
        assert!(es
            .values("ws-matches-total", &[("count", FluentValue::from(12345))])
            .contains("12.345"));
    }

    #[test]
    fn lists_are_joined_as_each_language_joins_them() {
        let items = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let en = Tr::new(Lang::En);
        let es = Tr::new(Lang::Es);
        assert_eq!(en.list(&items(&["a", "b", "c"])), "a, b and c");
        assert_eq!(en.list(&items(&["a"])), "a");
        assert_eq!(es.list(&items(&["a", "b"])), "a y b");
        assert_eq!(es.list(&items(&["español", "inglés"])), "español e inglés");
        assert_eq!(es.list(&items(&["a", "Hilo"])), "a e Hilo");
        assert_eq!(es.list(&items(&["agua", "hielo"])), "agua y hielo");
    }

    #[test]
    fn every_key_of_the_english_catalogues_is_in_the_spanish_ones() {
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with([' ', '#', '*', '[']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_string))
                .collect()
        };
        for (en, es) in [
            (
                include_str!("../../../locales/en/web.ftl"),
                include_str!("../../../locales/es/web.ftl"),
            ),
            (
                include_str!("../../../locales/en/workspace.ftl"),
                include_str!("../../../locales/es/workspace.ftl"),
            ),
            (
                include_str!("../../../locales/en/admin.ftl"),
                include_str!("../../../locales/es/admin.ftl"),
            ),
            (
                include_str!("../../../locales/en/oauth.ftl"),
                include_str!("../../../locales/es/oauth.ftl"),
            ),
            (
                include_str!("../../../locales/en/gatherings.ftl"),
                include_str!("../../../locales/es/gatherings.ftl"),
            ),
        ] {
            let (en, es) = (keys(en), keys(es));
            assert!(en.len() > 20, "{en:?}");
            assert_eq!(en, es);
        }
    }

    #[test]
    fn texts_plurals_and_dates_in_both_languages() {
        let (en, es) = (Tr::new(Lang::En), Tr::new(Lang::Es));
        assert_eq!(en.t("kind-need"), "Need");
        assert_eq!(es.t("kind-need"), "Necesidad");
        assert_eq!(en.count("coop-followers", 1), "1 follower");
        assert_eq!(es.count("coop-followers", 3), "3 seguidoras");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default();
        assert_eq!(en.date(day), "December 5, 2026");
        assert_eq!(es.date(day), "5 de diciembre de 2026");
        assert_eq!(en.t1("from-elsewhere", "host", "x.coop"), "from x.coop");
    }
}
