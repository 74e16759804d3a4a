# use std::io;
fn main() {
#
    run();
}
