"""Fulfilment: tracking from 1688 back to AliExpress, pushes, carrier checks."""
