"""售后: returns and disputes, who is liable, supplier claims and 信用保障 advance compensation."""
