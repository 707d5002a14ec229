//! The browser app's entry point: installs the panic hook and mounts the app. Natively this
//! binary does nothing (the CLI is `papersift`).

#[cfg(target_arch = "wasm32")]
fn main() {
    papersift::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("papersift-app is the browser app: build it with `trunk build --release` (see README.md)");
}
