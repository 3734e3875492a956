//! A default spec name from an intent: `[a-z0-9_]`, at most 40 characters, from the first few
//! meaningful words. Deterministic and total (never empty: falls back to `dataset`).

/// Longest suggested name.
pub const MAX_NAME_CHARS: usize = 40;
/// How many meaningful words are used.
const MAX_WORDS: usize = 4;

/// Words that carry no meaning in a name: articles, prepositions, request verbs, filler.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "approximately",
    "are",
    "around",
    "as",
    "at",
    "be",
    "below",
    "between",
    "but",
    "by",
    "can",
    "could",
    "create",
    "data",
    "dataset",
    "datasets",
    "do",
    "each",
    "every",
    "for",
    "from",
    "generate",
    "get",
    "give",
    "has",
    "have",
    "i",
    "in",
    "into",
    "is",
    "it",
    "its",
    "like",
    "make",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "our",
    "over",
    "per",
    "please",
    "produce",
    "random",
    "roughly",
    "sample",
    "samples",
    "simulate",
    "simulated",
    "so",
    "some",
    "synthetic",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "this",
    "those",
    "to",
    "under",
    "up",
    "us",
    "using",
    "want",
    "we",
    "where",
    "which",
    "while",
    "who",
    "will",
    "with",
    "would",
    "you",
];

/// A name for the dataset described by `intent`.
///
/// Lowercases, splits on anything that is not an ASCII letter or digit, drops stopwords and pure
/// numbers, joins the first four remaining words with `_`, and cuts at a word boundary to 40
/// characters. When no meaningful word remains, the first words of any kind are used; when
/// there are none, `dataset`.
pub fn suggest_name(intent: &str) -> String {
    let lower = intent.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let meaningful: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !STOPWORDS.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let chosen = if meaningful.is_empty() {
        &words
    } else {
        &meaningful
    };
    let mut name = String::new();
    for w in chosen.iter().take(MAX_WORDS) {
        let extra = if name.is_empty() {
            w.len()
        } else {
            w.len() + 1
        };
        if name.len() + extra > MAX_NAME_CHARS {
            if name.is_empty() {
                name.push_str(&w[..MAX_NAME_CHARS]);
            }
            break;
        }
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(w);
    }
    if name.is_empty() {
        "dataset".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::suggest_name;

    #[test]
    fn first_meaningful_words() {
        assert_eq!(
            suggest_name("Number of support tickets per hour, about 3 per hour."),
            "number_support_tickets_hour"
        );
        assert_eq!(
            suggest_name("Generate me a dataset of customer ages and plans"),
            "customer_ages_plans"
        );
        assert_eq!(
            suggest_name("Wait-times at a bank (minutes)"),
            "wait_times_bank_minutes"
        );
    }

    #[test]
    fn charset_length_and_determinism() {
        let long = "Supercalifragilisticexpialidociousnessfulnessly long words everywhere";
        for intent in [
            long,
            "ÉTÉ données: température ℃ 25°",
            "x".repeat(5000).as_str(),
        ] {
            let n = suggest_name(intent);
            assert!(n.len() <= 40 && !n.is_empty(), "{n}");
            assert!(
                n.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_')),
                "{n}"
            );
            assert_eq!(n, suggest_name(intent));
        }
        assert_eq!(
            suggest_name(long),
            "supercalifragilisticexpialidociousnessfu"
        );
        assert_eq!(suggest_name("t donn es temp rature"), "t_donn_es_temp");
    }

    #[test]
    fn fallbacks() {
        assert_eq!(suggest_name(""), "dataset");
        assert_eq!(suggest_name("!!! ???"), "dataset");
        assert_eq!(suggest_name("give me some data"), "give_me_some_data");
        assert_eq!(suggest_name("1000 of 3"), "1000_of_3");
    }
}
