"""Marketplace accounts: the AliExpress stores we sell from and the 1688 buyer accounts we buy with."""
