//===- irc-opt.cpp - The irc IR optimizer driver --------------------------===//
#include "tools/driver/OptDriver.h"

int main(int argc, char **argv) { return irc::ircOptMain(argc, argv); }
