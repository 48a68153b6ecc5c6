//! The statement check: one read-only `SELECT`/`WITH` statement whose placeholders are exactly
//! `$1..$n`, found by a small SQL lexer.

/// Checks that `query` is a single `SELECT`/`WITH` statement whose placeholders are exactly
/// `$1..$n` for `n` parameters.
pub(in crate::connectors) fn check_query(query: &str, params: usize) -> Result<(), String> {
    let scan = scan(query)?;
    match scan.first_word.as_deref() {
        Some("select") | Some("with") => {}
        Some(w) => {
            return Err(format!(
                "only read-only SELECT or WITH statements may run, and this one starts with `{}`",
                w.to_uppercase()
            ))
        }
        None => return Err("the query is empty".to_owned()),
    }
    if scan.statements > 1 {
        return Err("the query has more than one statement".to_owned());
    }
    if scan.max_placeholder != params {
        return Err(format!(
            "the query uses parameters up to ${} but names {} in `params`",
            scan.max_placeholder, params
        ));
    }
    if let Some(n) = (1..=scan.max_placeholder).find(|n| !scan.placeholders.contains(n)) {
        return Err(format!("the query does not use ${n}"));
    }
    Ok(())
}

struct Scan {
    first_word: Option<String>,
    statements: usize,
    max_placeholder: usize,
    placeholders: std::collections::BTreeSet<usize>,
}

/// A small SQL lexer: skips strings, quoted identifiers, comments and dollar-quoted strings.
fn scan(query: &str) -> Result<Scan, String> {
    let c: Vec<char> = query.chars().collect();
    let mut s = Scan {
        first_word: None,
        statements: 0,
        max_placeholder: 0,
        placeholders: Default::default(),
    };
    let mut in_statement = false;
    let mut i = 0usize;
    while let Some(&ch) = c.get(i) {
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if ch == '-' && c.get(i + 1) == Some(&'-') {
            while c.get(i).is_some_and(|&x| x != '\n') {
                i += 1;
            }
            continue;
        }
        if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while c
                .get(i)
                .is_some_and(|&x| !(x == '*' && c.get(i + 1) == Some(&'/')))
            {
                i += 1;
            }
            if i >= c.len() {
                return Err("the query has an unclosed comment".to_owned());
            }
            i += 2;
            continue;
        }
        if ch == ';' {
            in_statement = false;
            i += 1;
            continue;
        }
        if !in_statement {
            in_statement = true;
            s.statements += 1;
        }
        match ch {
            '\'' | '"' | '`' => {
                i += 1;
                loop {
                    match c.get(i) {
                        None => return Err("the query has an unclosed quote".to_owned()),
                        Some(&q) if q == ch => {
                            // A doubled quote is an escaped quote.
                            if c.get(i + 1) == Some(&ch) {
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            '$' => {
                let after = c.get(i + 1..).unwrap_or_default();
                let digits: String = after.iter().take_while(|d| d.is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let n: usize = digits
                        .parse()
                        .map_err(|_| "a parameter number is too large".to_owned())?;
                    if n == 0 || n > 1000 {
                        return Err(format!("${n} is not a valid parameter"));
                    }
                    s.max_placeholder = s.max_placeholder.max(n);
                    s.placeholders.insert(n);
                    i += 1 + digits.len();
                } else {
                    // $tag$ ... $tag$
                    let tag_len = after
                        .iter()
                        .take_while(|d| d.is_alphanumeric() || **d == '_')
                        .count();
                    if c.get(i + 1 + tag_len) == Some(&'$') {
                        let tag = c.get(i..i + tag_len + 2).unwrap_or_default();
                        let mut j = i + tag.len();
                        let mut found = None;
                        while j + tag.len() <= c.len() {
                            if c.get(j..j + tag.len()) == Some(tag) {
                                found = Some(j);
                                break;
                            }
                            j += 1;
                        }
                        let end = found
                            .ok_or_else(|| "the query has an unclosed dollar-quoted string".to_owned())?;
                        i = end + tag.len();
                    } else {
                        i += 1;
                    }
                }
            }
            _ if ch.is_alphabetic() || ch == '_' => {
                let word: String = c
                    .iter()
                    .skip(i)
                    .take_while(|w| w.is_alphanumeric() || **w == '_')
                    .collect();
                i += word.chars().count();
                if s.first_word.is_none() {
                    s.first_word = Some(word.to_lowercase());
                }
            }
            '(' if s.first_word.is_none() => {
                // `(SELECT ...)`: look inside.
                i += 1;
            }
            _ => {
                if s.first_word.is_none() {
                    s.first_word = Some(ch.to_string());
                }
                i += 1;
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_statements_are_checked() {
        assert!(check_query("SELECT * FROM orders WHERE id = $1", 1).is_ok());
        assert!(check_query("  -- the orders\n  with x as (select 1) select * from x;", 0).is_ok());
        assert!(check_query("/* c */ (SELECT 1)", 0).is_ok());
        assert!(check_query(
            "SELECT ';' AS semi, 'it''s' AS q, $$ $1 ; $$ AS d WHERE a = $1",
            1
        )
        .is_ok());

        let e = check_query("DELETE FROM orders WHERE id = $1", 1).unwrap_err();
        assert!(e.contains("SELECT or WITH") && e.contains("DELETE"), "{e}");
        assert!(check_query("UPDATE orders SET x = 1", 0)
            .unwrap_err()
            .contains("UPDATE"));
        assert!(check_query("SELECT 1; DROP TABLE orders", 0)
            .unwrap_err()
            .contains("more than one"));
        assert!(check_query("", 0).unwrap_err().contains("empty"));
        assert!(check_query("SELECT $2", 2).unwrap_err().contains("$1"));
        assert!(check_query("SELECT $1, $2", 1).unwrap_err().contains("$2"));
        assert!(check_query("SELECT $1", 2).is_err());
        assert!(check_query("SELECT 'unclosed", 0).unwrap_err().contains("quote"));
        assert!(check_query("SELECT $0", 0).is_err());
        assert!(check_query("SELECT $99999999999999999999999", 0).is_err());
    }
}
