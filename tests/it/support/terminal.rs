//! A pseudo-terminal's screen, replayed from the bytes a program wrote to it.

/// The rows a terminal shows after `text`: printable characters at the cursor, `\r`, `\n`, and
/// the CSI sequences indicatif and console write (`K` erase line, `A`/`B` up/down, `G` column);
/// others are ignored.
pub fn replay(text: &str) -> Vec<String> {
    let mut rows: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => {
                row += 1;
                col = 0;
            }
            '\x1b' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut param = String::new();
                let mut fin = ' ';
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() || d == '~' {
                        fin = d;
                        break;
                    }
                    param.push(d);
                }
                let n: usize = param.trim_start_matches('?').parse().unwrap_or(1);
                while rows.len() <= row {
                    rows.push(Vec::new());
                }
                match fin {
                    'K' if param == "2" => rows[row].clear(),
                    'K' => rows[row].truncate(col),
                    'A' => row = row.saturating_sub(n),
                    'B' => row += n,
                    'G' => col = n.saturating_sub(1),
                    _ => {}
                }
            }
            c if c.is_control() => {}
            c => {
                while rows.len() <= row {
                    rows.push(Vec::new());
                }
                let line = &mut rows[row];
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    rows.into_iter().map(|r| r.into_iter().collect()).collect()
}
