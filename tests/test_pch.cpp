// SPDX-License-Identifier: MIT
// Owner of the tests' precompiled header: no code of its own.
