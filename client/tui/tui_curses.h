/*
 * tui_curses.h: the one place the TUI includes curses, with wide-character
 * functions declared (the program links ncursesw and draws UTF-8).
 */
#ifndef SEAL_TUI_CURSES_H
#define SEAL_TUI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

/* Home and End as terminals send them: xterm's kfnd/kslt ("\e[1~", "\e[4~",
 * what tmux sends) arrive as KEY_FIND and KEY_SELECT. */
#define TUI_IS_HOME(k) ((k) == KEY_HOME || (k) == KEY_FIND || (k) == KEY_A1)
#define TUI_IS_END(k)  ((k) == KEY_END || (k) == KEY_SELECT || (k) == KEY_C1)

#endif
