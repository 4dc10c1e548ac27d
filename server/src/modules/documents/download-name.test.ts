import { describe, expect, it } from 'vitest';
import { downloadFileName } from './download-name.js';

describe('the name a download is saved under', () => {
  it.each([
    ['lab-result.bat', 'application/pdf', 'lab-result.pdf'],
    ['viewer.hta', 'application/pdf', 'viewer.pdf'],
    ['page.html', 'application/pdf', 'page.pdf'],
    ['report.pdf.exe', 'application/pdf', 'report.pdf.pdf'],
    ['archive.tar.gz', 'image/png', 'archive.tar.png'],
    ['scan', 'image/png', 'scan.png'],
    ['Dr. Chen letter', 'application/pdf', 'Dr. Chen letter.pdf'],
    ['lab.bat.', 'application/pdf', 'lab.bat..pdf'],
    ['Report.PDF', 'application/pdf', 'Report.PDF'],
    ['photo.jpeg', 'image/jpeg', 'photo.jpeg'],
    ['photo.JPG', 'image/jpeg', 'photo.JPG'],
    ['photo.png', 'image/jpeg', 'photo.jpg'],
    ['IMG_0001.HEIF', 'image/heic', 'IMG_0001.HEIF'],
    ['IMG_0001.jpg', 'image/heic', 'IMG_0001.heic'],
    ['résumé.docx', 'application/pdf', 'résumé.pdf'],
    ['x.unknown', 'text/html', 'x.bin'],
  ])('%s as %s is saved as %s', (name, type, expected) => {
    expect(downloadFileName(name, type)).toBe(expected);
  });
});
