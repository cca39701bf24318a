"""FSRS: the scheduler adapter, parameter fitting, simulation and a learner's memory model."""
