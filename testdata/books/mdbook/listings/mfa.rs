// 多要素認証の例
# use std::io;
fn main() {
    println!("コードを入力");
}
