#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"

static struct termios saved_mode;
static volatile sig_atomic_t mode_saved;

void terminal_restore(void)
{
    if (mode_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_mode);
        mode_saved = 0;
    }
}

/* Restore the terminal, then die of the same signal as we would have. */
static void restore_and_reraise(int sig)
{
    terminal_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

void terminal_raw(void)
{
    if (mode_saved || !isatty(STDIN_FILENO))
        return;
    if (tcgetattr(STDIN_FILENO, &saved_mode) != 0)
        return;

    static const int fatal_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM,
                                        SIGABRT};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(*fatal_signals); i++)
        sigaction(fatal_signals[i], &sa, NULL);
    mode_saved = 1;
    atexit(terminal_restore);

    /* Fully raw: the guest's own tty layer does echo and line endings. */
    struct termios raw = saved_mode;
    raw.c_oflag &= ~OPOST;
    raw.c_iflag &=
        ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}
