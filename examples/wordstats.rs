use fst::Streamer;
use papersift::engine::index::Index;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let idx = Index::open_dir(std::path::Path::new(&dir)).unwrap();
    let mut terms = vec![String::new(); idx.terms.len()];
    let mut s = idx.terms.stream();
    while let Some((k, v)) = s.next() {
        terms[v as usize] = String::from_utf8(k.to_vec()).unwrap();
    }
    let (mut same, mut total) = (0, 0);
    let mut s = idx.words.stream();
    while let Some((k, v)) = s.next() {
        total += 1;
        if k == terms[v as usize].as_bytes() {
            same += 1;
        }
    }
    println!("words {total} same-as-term {same}");
    let mut s = idx.words.stream();
    let mut i = 0;
    while let Some((k, v)) = s.next() {
        i += 1;
        if i % 50000 == 0 {
            println!("{:?} -> {} {:?}", String::from_utf8_lossy(k), v, terms[v as usize]);
        }
    }
}
