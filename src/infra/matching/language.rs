//! The languages matching understands: which one a text is in, and the
//! stemmer and stop-words of each.

use rust_stemmers::{Algorithm, Stemmer};
use whatlang::{Detector, Lang as Detected};

/// A language with its own analysis. Catalan has stop-words but no
/// Snowball stemmer in rust-stemmers, so its words are only folded;
/// the lexicon still joins its common terms to the other languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    English,
    Spanish,
    Portuguese,
    French,
    Catalan,
    Italian,
    German,
}

impl Language {
    pub const ALL: [Language; 7] = [
        Language::English,
        Language::Spanish,
        Language::Portuguese,
        Language::French,
        Language::Catalan,
        Language::Italian,
        Language::German,
    ];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::Portuguese => "pt",
            Language::French => "fr",
            Language::Catalan => "ca",
            Language::Italian => "it",
            Language::German => "de",
        }
    }

    /// The English name, for reasons ("you both work in Spanish").
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Spanish",
            Language::Portuguese => "Portuguese",
            Language::French => "French",
            Language::Catalan => "Catalan",
            Language::Italian => "Italian",
            Language::German => "German",
        }
    }

    /// From a BCP 47 tag: `es-AR` is Spanish.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.code() == primary)
    }

    fn detected(lang: Detected) -> Option<Language> {
        Some(match lang {
            Detected::Eng => Language::English,
            Detected::Spa => Language::Spanish,
            Detected::Por => Language::Portuguese,
            Detected::Fra => Language::French,
            Detected::Cat => Language::Catalan,
            Detected::Ita => Language::Italian,
            Detected::Deu => Language::German,
            _ => return None,
        })
    }

    fn whatlang(self) -> Detected {
        match self {
            Language::English => Detected::Eng,
            Language::Spanish => Detected::Spa,
            Language::Portuguese => Detected::Por,
            Language::French => Detected::Fra,
            Language::Catalan => Detected::Cat,
            Language::Italian => Detected::Ita,
            Language::German => Detected::Deu,
        }
    }

    pub fn stemmer(self) -> Option<Stemmer> {
        let algorithm = match self {
            Language::English => Algorithm::English,
            Language::Spanish => Algorithm::Spanish,
            Language::Portuguese => Algorithm::Portuguese,
            Language::French => Algorithm::French,
            Language::Catalan => return None,
            Language::Italian => Algorithm::Italian,
            Language::German => Algorithm::German,
        };
        Some(Stemmer::create(algorithm))
    }

    /// NLTK's list: short, function words only (the ISO lists also drop
    /// words such as "work" or "need" that carry meaning here).
    pub fn stop_words(self) -> &'static [&'static str] {
        stop_words::lookup(self.code()).unwrap_or(&[])
    }
}

/// Detects the language of `text` among [`Language::ALL`]; `None` when the
/// text is too short or unlike any of them.
pub struct LanguageDetector(Detector);

impl Default for LanguageDetector {
    fn default() -> Self {
        LanguageDetector(Detector::with_allowlist(
            Language::ALL.iter().map(|l| l.whatlang()).collect(),
        ))
    }
}

impl LanguageDetector {
    /// The detected language when whatlang is confident, else `fallback`
    /// (the coop's own language) if there is one, else the best guess:
    /// short texts in close languages (Spanish, Portuguese, Catalan) are
    /// often guessed wrong.
    pub fn detect(&self, text: &str, fallback: Option<Language>) -> Option<Language> {
        let info = self.0.detect(text);
        let guess = info.as_ref().and_then(|i| Language::detected(i.lang()));
        match info {
            Some(i) if i.is_reliable() => guess,
            _ => fallback.or(guess),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_languages_coops_write_in() {
        let d = LanguageDetector::default();
        for (text, expected) in [
            ("We need help migrating our servers to a new hosting provider", Language::English),
            ("Necesitamos ayuda para migrar nuestros servidores y buscamos una cooperativa que trabaje con software libre", Language::Spanish),
            ("Precisamos de ajuda para migrar os nossos servidores para um novo fornecedor", Language::Portuguese),
            ("Nous cherchons une coopérative pour héberger nos serveurs et nos données", Language::French),
            ("Busquem una cooperativa que ens ajudi amb l'allotjament dels nostres servidors", Language::Catalan),
            ("Cerchiamo una cooperativa che ci aiuti con la gestione dei nostri server", Language::Italian),
            ("Wir suchen eine Genossenschaft, die uns beim Betrieb unserer Server hilft", Language::German),
        ] {
            assert_eq!(d.detect(text, None), Some(expected), "{text}");
        }
        // Unsure on a few words: the coop's language decides.
        assert_eq!(
            d.detect("migrar servidores", Some(Language::Spanish)),
            Some(Language::Spanish)
        );
    }

    #[test]
    fn tags_name_their_primary_language() {
        assert_eq!(Language::from_tag("es-AR"), Some(Language::Spanish));
        assert_eq!(Language::from_tag("PT_br"), Some(Language::Portuguese));
        assert_eq!(Language::from_tag("ja"), None);
        assert!(Language::Catalan.stemmer().is_none());
        assert!(Language::Spanish.stop_words().contains(&"para"));
    }
}
