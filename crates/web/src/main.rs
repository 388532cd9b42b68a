//! The page's entry point (Trunk builds this binary); everything else is in the library.

fn main() {
    nextnumber_web::start();
}
