"""Integrity flags people can review (SPEC 7, issue 15): the rules, reviews, `reflag`."""
