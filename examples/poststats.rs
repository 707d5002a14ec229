use papersift::engine::index::Index;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let idx = Index::open_dir(std::path::Path::new(&dir)).unwrap();
    let n = idx.len();
    let mut total = 0u64;
    let mut varint_bytes = 0u64;
    let mut codes = 0u64;
    let mut rice_bits = 0f64;
    let mut hapax = 0;
    let mut authors_only = 0u64;
    let mut tfhist = std::collections::HashMap::new();
    for ord in 0..idx.postings.n_terms() {
        let p = idx.postings.postings(ord, n).unwrap();
        total += p.len() as u64;
        if p.len() == 1 {
            hapax += 1;
        }
        let mut prev = 0;
        let mean = n as f64 / p.len() as f64;
        let k = mean.log2().floor().max(0.0);
        for (i, x) in p.iter().enumerate() {
            let d = if i == 0 { x.doc + 1 } else { x.doc - prev };
            prev = x.doc;
            let mut v = d as u64;
            let mut b = 1;
            while v >= 128 {
                v >>= 7;
                b += 1;
            }
            varint_bytes += b;
            rice_bits += k + 1.0 + ((d as f64 - 1.0) / 2f64.powf(k)).floor();
            codes += if x.tf[0] <= 3 && x.tf[1] <= 31 && x.tf[2] == 0 && (x.tf[0] | x.tf[1]) != 0 { 1 } else { 4 };
            if x.tf[0] == 0 && x.tf[1] == 0 {
                authors_only += 1;
            }
            *tfhist.entry(x.tf).or_insert(0u64) += 1;
        }
    }
    let mut h: Vec<_> = tfhist.into_iter().collect();
    h.sort_by(|a, b| b.1.cmp(&a.1));
    println!(
        "terms {} postings {} hapax {} varint_doc_bytes {} code_bytes {} rice_doc_bytes {:.0} authors_only {}",
        idx.postings.n_terms(),
        total,
        hapax,
        varint_bytes,
        codes,
        rice_bits / 8.0,
        authors_only
    );
    let ent: f64 = h
        .iter()
        .map(|(_, c)| {
            let p = *c as f64 / total as f64;
            -p * p.log2() * *c as f64
        })
        .sum::<f64>()
        / total as f64
        * total as f64;
    println!("tf entropy bytes {:.0}", ent / 8.0);
    for x in h.iter().take(12) {
        println!("{:?}", x);
    }
}
