// Built by the host's cross compiler as it is (dynamic libstdc++, libgcc_s
// for the unwinder) while the test runs, and run from the share: sorts its
// arguments, throws and catches an exception, then exits 4.
#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    std::vector<std::string> words(argv + 1, argv + argc);
    std::sort(words.begin(), words.end());
    std::string caught;
    try {
        throw std::runtime_error("boom");
    } catch (const std::exception &e) {
        caught = e.what();
    }
    std::cout << "hello from C++:";
    for (const auto &w : words)
        std::cout << ' ' << w;
    std::cout << ", caught " << caught << std::endl;
    return 4;
}
