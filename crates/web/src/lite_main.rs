//! The light first page's entry point (Trunk builds this binary from index.html).

fn main() {
    nextnumber_web::lite::start();
}
