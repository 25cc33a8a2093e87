"""Realistic demo data: a support team, its customers, tickets and knowledge over a year."""

from workbench.demo.generator import generate_demo

__all__ = ["generate_demo"]
