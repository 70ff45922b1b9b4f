// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Scripted JSON network scenarios (steamsim::scenario): the model, the loader and its
/// validation, the runner, the reports and batch runs. See scenarios/README.md for the
/// file format.

#include "steamsim/scenario/batch.hpp"
#include "steamsim/scenario/game.hpp"
#include "steamsim/scenario/html_report.hpp"
#include "steamsim/scenario/loader.hpp"
#include "steamsim/scenario/model.hpp"
#include "steamsim/scenario/names.hpp"
#include "steamsim/scenario/observer.hpp"
#include "steamsim/scenario/report.hpp"
#include "steamsim/scenario/runner.hpp"
#include "steamsim/scenario/trace_output.hpp"
